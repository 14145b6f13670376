/**
 * Terminal hygiene on an SSH host (a real sshd on loopback): the checks that run
 * on the host (the terminal's mode, copy mode, whose session it is) hold over SSH
 * as they do locally and in a container.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitFor } from "../../helpers/sandbox.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";

const READER = `while IFS= read -r line; do printf 'got %s chars\\n' "\${#line}"; done`;

describe("terminal hygiene on an ssh host", { skip: skipSsh, timeout: 240_000 }, () => {
  let f: SshFixture;
  let file: string;
  /** Runs tmux on the host, on the server its agents run on. */
  const tmux = async (...args: string[]) => f.sb.fleet(["exec", "canon", "--", "tmux", ...args]);
  const target = (name: string): string => `=${f.sb.prefix}${name}:agent`;
  const screen = async (name: string): Promise<string> =>
    (await tmux("capture-pane", "-p", "-J", "-t", target(name))).stdout;

  const fleet = async (args: string[]): Promise<void> => {
    const result = await f.sb.fleet(args);
    assert.equal(result.code, 0, output(result));
  };

  before(async () => {
    f = await makeSshFixture("hostile-terminal-ssh");
    file = await f.fleetFile(`version: 1
name: hostterm
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  bytes: { command: "cat -vT", host: box }
  canon: { command: ${JSON.stringify(READER)}, host: box }
`);
    await fleet(["apply", "-f", file, "-y"]);
  });

  after(() => f.cleanup());

  test("controls are refused before they reach the host; text arrives", async () => {
    for (const text of ["paste \u001b[201~ end", "kill \u0003", "c1 \u009b"]) {
      const sent = await f.sb.fleet(["message", "bytes", text]);
      assert.equal(sent.code, 1, sent.stderr);
      assert.match(sent.stderr, /nothing was sent/);
    }
    await fleet(["message", "bytes", "plain words"]);
    const shown = await waitFor(async () => {
      const text = await screen("bytes");
      return text.includes("plain words") ? text : undefined;
    });
    for (const word of ["paste", "kill", "c1", "^["]) assert.ok(!shown.includes(word), shown);
  });

  test("a 10,000-character line to a line reader on the host is refused, nothing typed", async () => {
    const sent = await f.sb.fleet(["message", "canon", "--json"], { input: "w".repeat(10_000) });
    assert.equal(sent.code, 1, sent.stdout);
    const { error } = JSON.parse(sent.stdout) as { error: { code: string } };
    assert.equal(error.code, "MESSAGE_TOO_LONG_FOR_TERMINAL");
    await fleet(["message", "canon", "after"]);
    const text = await waitFor(async () => {
      const shown = await screen("canon");
      return shown.includes("got 5 chars") ? shown : undefined;
    });
    assert.ok(!text.includes("www"), text);
  });

  test("copy mode on the host is left, and the message is submitted", async () => {
    const entered = await tmux("copy-mode", "-t", target("canon"));
    assert.equal(entered.code, 0, entered.stderr);
    await fleet(["message", "canon", "from copy mode"]);
    await waitFor(async () => (await screen("canon")).includes("got 14 chars"));
  });

  test("a session on the host that fleet did not start survives apply and destroy", async () => {
    const session = `${f.sb.prefix}mine`;
    const made = await tmux("new-session", "-d", "-s", session, "sleep 600");
    assert.equal(made.code, 0, made.stderr);
    const pidOf = async (): Promise<string> =>
      (await tmux("display-message", "-p", "-t", `=${session}:`, "#{pane_pid}")).stdout.trim();
    const pid = await pidOf();
    assert.match(pid, /^\d+$/);

    const withMine = await f.fleetFile(
      `version: 1
name: hostterm
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
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
