/**
 * An agent type without hooks (opencode) gets its states from its screen, as
 * docs/agents.md tells: a watcher beside it keeps the waiting mark, so `fleet list`
 * shows WAITING(input) at its prompt, RUNNING while it works and WAITING(approval)
 * while it asks; `fleet message` waits while it works and counts a message
 * delivered once it shows it works. The `opencode` here is a stand-in that draws
 * those screens (the real one runs in real-agents.test.ts): its prompt, then for
 * each line it reads `esc interrupt` for two seconds, and for a line holding
 * "tool" a `Permission required` question that waits for a `y`.
 */
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const STAND_IN = `#!/bin/sh
screen() { printf '\\033[2J\\033[H%s\\n' "$1"; }
screen 'Ask anything   ctrl+p commands'
while IFS= read -r line; do
  echo "$line" >> "$FLEET_AGENT_DIR/work/taken.txt"
  screen '   esc interrupt'
  sleep 2
  case $line in
    *tool*)
      screen 'Permission required: run touch x? (y/n)'
      IFS= read -r answer
      echo "answer $answer" >> "$FLEET_AGENT_DIR/work/taken.txt"
      screen '   esc interrupt'
      sleep 1 ;;
  esac
  screen "done: $line    ctrl+p commands"
done
`;

interface Listed {
  agents: { name: string; state: string; waitingFor: string | null }[];
}

describe("an agent type read off its screen (opencode)", () => {
  let sb: Sandbox;
  const name = "screen";
  before(async () => {
    sb = await makeSandbox("screen-watch");
    const bin = join(sb.dir, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "opencode"), STAND_IN);
    await chmod(join(bin, "opencode"), 0o755);
    await writeFile(
      join(sb.dir, "fleet.yaml"),
      `version: 1
name: screens
agents:
  ${name}:
    agent: opencode
    env: { PATH: ${JSON.stringify(`${bin}:/usr/bin:/bin`)} }
`,
    );
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => sb.cleanup());

  const stateOf = async () => {
    const listed = await sb.fleet(["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const agent = (JSON.parse(listed.stdout) as Listed).agents.find((a) => a.name === name);
    return agent ? `${agent.state}(${agent.waitingFor ?? ""})` : "absent";
  };
  const reaches = (want: string) =>
    waitFor(async () => ((await stateOf()) === want ? true : undefined), 15_000, 200).catch(
      async () => assert.fail(`never ${want}; it is ${await stateOf()}`),
    );
  const taken = async () =>
    (await readFile(join(sb.home, "agents", name, "work", "taken.txt"), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean);

  test("at its prompt it is WAITING(input); a message makes it RUNNING, then WAITING(input)", async () => {
    await reaches("WAITING(input)");
    const sent = await sb.fleet(["message", name, "first"]);
    assert.equal(sent.code, 0, sent.stderr);
    await reaches("RUNNING()");
    await reaches("WAITING(input)");
    assert.deepEqual(await taken(), ["first"]);
  });

  test("messages sent while it works wait their turn, in order, one line each", async () => {
    const first = sb.fleet(["message", name, "second"]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const next = sb.fleet(["message", name, "third"]);
    const [a, b] = await Promise.all([first, next]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    await reaches("WAITING(input)");
    assert.deepEqual(await taken(), ["first", "second", "third"]);
  });

  test("its question shows as WAITING(approval), and a message waits instead of answering it", async () => {
    const sent = await sb.fleet(["message", name, "run the tool"]);
    assert.equal(sent.code, 0, sent.stderr);
    await reaches("WAITING(approval)");
    // Not typed into the question: it waits, and with a short --timeout gives up (exit 3).
    const refused = await sb.fleet(["message", name, "--timeout", "2s", "not an answer"]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /still working/);
    assert.deepEqual(await taken(), ["first", "second", "third", "run the tool"]);
    // The user answers it with keys, on purpose; then it works and comes back.
    const answered = await sb.fleet(["message", name, "--keys", "y", "Enter"]);
    assert.equal(answered.code, 0, answered.stderr);
    await reaches("WAITING(input)");
    assert.deepEqual((await taken()).slice(-1), ["answer y"]);
  });
});
