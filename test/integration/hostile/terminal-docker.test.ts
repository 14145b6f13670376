/**
 * Terminal hygiene on a docker host, where the agent is root and tmux, stty and
 * the session names are the container's: the checks that run on the host (the
 * terminal's mode, copy mode, whose session it is) hold there as they do here.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { waitFor } from "../../helpers/sandbox.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";

const skip = await dockerSkip("hostile terminal on docker");
const test = testWith(skip);

const READER = `while IFS= read -r line; do printf 'got %s chars\\n' "\${#line}"; done`;

describe("terminal hygiene on a docker host", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;
  /** Runs tmux inside the container, on the server its agents run on. */
  const tmux = async (...args: string[]) => f.sb.fleet(["exec", "canon", "--", "tmux", ...args]);
  const target = (name: string): string => `=${f.sb.prefix}${name}:agent`;
  const screen = async (name: string): Promise<string> =>
    (await tmux("capture-pane", "-p", "-J", "-t", target(name))).stdout;

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("hostile-terminal");
    file = await f.file(`version: 1
name: hostterm
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  bytes: { command: "cat -vT", host: box }
  canon: { command: ${JSON.stringify(READER)}, host: box }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("controls are refused before they reach the container; text arrives", async () => {
    for (const text of ["paste \u001b[201~ end", "kill \u0003", "c1 \u009b"]) {
      const sent = await f.sb.fleet(["message", "bytes", text]);
      assert.equal(sent.code, 1, sent.stderr);
      assert.match(sent.stderr, /nothing was sent/);
    }
    await f.fleet(["message", "bytes", "plain words"]);
    const shown = await waitFor(async () => {
      const text = await screen("bytes");
      return text.includes("plain words") ? text : undefined;
    });
    for (const word of ["paste", "kill", "c1", "^["]) assert.ok(!shown.includes(word), shown);
  });

  test("a 10,000-character line to a line reader in the container is refused, nothing typed", async () => {
    const sent = await f.sb.fleet(["message", "canon", "--json"], { input: "w".repeat(10_000) });
    assert.equal(sent.code, 1, sent.stdout);
    const { error } = JSON.parse(sent.stdout) as { error: { code: string } };
    assert.equal(error.code, "MESSAGE_TOO_LONG_FOR_TERMINAL");
    await f.fleet(["message", "canon", "after"]);
    const text = await waitFor(async () => {
      const shown = await screen("canon");
      return shown.includes("got 5 chars") ? shown : undefined;
    });
    assert.ok(!text.includes("www"), text);
  });

  test("copy mode in the container is left, and the message is submitted", async () => {
    const entered = await tmux("copy-mode", "-t", target("canon"));
    assert.equal(entered.code, 0, entered.stderr);
    await f.fleet(["message", "canon", "from copy mode"]);
    await waitFor(async () => (await screen("canon")).includes("got 14 chars"));
  });

  test("a session in the container that fleet did not start survives apply and destroy", async () => {
    const session = `${f.sb.prefix}mine`;
    const made = await tmux("new-session", "-d", "-s", session, "sleep 600");
    assert.equal(made.code, 0, made.stderr);
    const pidOf = async (): Promise<string> =>
      (await tmux("display-message", "-p", "-t", `=${session}:`, "#{pane_pid}")).stdout.trim();
    const pid = await pidOf();
    assert.match(pid, /^\d+$/);

    const withMine = await f.file(
      `version: 1
name: hostterm
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  bytes: { command: "cat -vT", host: box }
  canon: { command: ${JSON.stringify(READER)}, host: box }
  mine: { command: "sleep 300", host: box }
`,
      "with-mine.yaml",
    );
    const applied = await f.sb.fleet(["apply", "-f", withMine, "-y"]);
    assert.equal(applied.code, 1, applied.stdout);
    assert.match(applied.stdout, /agents\.mine: failed: .*not started by fleet/);
    assert.equal(await pidOf(), pid);
    await f.sb.fleet(["destroy", "mine", "-y"]);
    assert.equal(await pidOf(), pid);
  });
});
