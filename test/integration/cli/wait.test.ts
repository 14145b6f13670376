/**
 * `fleet wait` and the WAITING reason, as docs/cli.md tells them. The agent here
 * is a command that behaves as the hook-driven CLIs do: it marks itself waiting
 * for input when idle, takes a line (a message, which ends the wait), works for a
 * second, writes what it did, and marks itself waiting again.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const TURNS = [
  'mark="$FLEET_AGENT_DIR/waiting"; : > "$mark"',
  'while IFS= read -r line; do sleep 1; echo "$line" >> turns.txt; : > "$mark"; done',
].join("; ");

interface Waited {
  agent: { name: string; state: string; waitingFor: string | null };
}

describe("fleet wait", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("wait");
    await writeFile(
      join(sb.dir, "fleet.yaml"),
      `version: 1
name: waits
agents:
  turns: { agent: command, command: ${JSON.stringify(TURNS)} }
  busy: { agent: command, command: "sleep 600" }
  quick: { agent: command, command: "sleep 1; exit 3" }
`,
    );
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => sb.cleanup());

  const waitJson = async (args: string[]): Promise<Waited> => {
    const result = await sb.fleet(["wait", ...args, "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Waited;
  };

  test("an idle agent is WAITING(input): wait returns at once, list says why", async () => {
    const waited = await waitJson(["turns", "--timeout", "20s"]);
    assert.deepEqual([waited.agent.state, waited.agent.waitingFor], ["WAITING", "input"]);
    const table = await sb.fleet(["ls"]);
    assert.match(table.stdout, /^turns\s+local\s+WAITING\(input\)\s/m);
    const listed = JSON.parse((await sb.fleet(["ls", "--format", "json"])).stdout) as {
      agents: { name: string; waitingFor: string | null }[];
    };
    assert.equal(listed.agents.find((a) => a.name === "busy")?.waitingFor, null);
  });

  test("after a message, wait returns when that turn ends, not before", async () => {
    const sent = await sb.fleet(["message", "turns", "first job"]);
    assert.equal(sent.code, 0, sent.stderr);
    const waited = await sb.fleet(["wait", "turns", "--timeout", "20s"]);
    assert.equal(waited.code, 0, waited.stderr);
    assert.equal(waited.stdout, "turns is waiting\n");
    // The turn's work is there by the time wait returned.
    const done = await readFile(join(sb.home, "agents", "turns", "work", "turns.txt"), "utf8");
    assert.equal(done, "first job\n");
    assert.match(waited.stderr, /turns@local: RUNNING/);
  });

  test("an approval mark shows as WAITING(approval); an unprintable one as unknown", async () => {
    const mark = join(sb.home, "agents", "busy", "waiting");
    await writeFile(mark, "approval\n");
    const waited = await waitJson(["busy", "--timeout", "20s"]);
    assert.equal(waited.agent.waitingFor, "approval");
    assert.match((await sb.fleet(["ls"])).stdout, /^busy\s+local\s+WAITING\(approval\)\s/m);
    // The mark is written on the host: what it says is checked, never printed raw.
    await writeFile(mark, "\x1b[2J\x1b]0;pwned\x07 approve me\n");
    const table = await sb.fleet(["ls"]);
    assert.match(table.stdout, /^busy\s+local\s+WAITING\(unknown\)\s/m);
    assert.equal(table.stdout.includes("\x1b"), false);
    await writeFile(mark, "");
    assert.equal((await waitJson(["busy"])).agent.waitingFor, "input");
  });

  test("a timeout exits 3, naming the state the agent is in", async () => {
    const started = Date.now();
    const result = await sb.fleet(["wait", "turns", "--state", "done", "--timeout", "1s"]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /agent turns did not become done in time: it is waiting \(input\)/);
    assert.ok(Date.now() - started >= 1000, "it waited the whole timeout");
  });

  test("an agent that ends cannot be waited for as waiting (4); as done it can (0)", async () => {
    const done = await waitJson(["quick", "--state", "done", "--timeout", "30s"]);
    assert.equal(done.agent.state, "DONE");
    const never = await sb.fleet(["wait", "quick"]);
    assert.equal(never.code, 4);
    assert.match(never.stderr, /agent quick is done \(exit code 3\) and will not become waiting/);
    assert.match(never.stderr, /hint: see why with `fleet transcript quick`/);
  });

  test("a stopped agent: --state stopped returns, --state running exits 4", async () => {
    const stopped = await sb.fleet(["stop", "busy"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((await waitJson(["busy", "--state", "stopped"])).agent.state, "STOPPED");
    const never = await sb.fleet(["wait", "busy", "--state", "running", "--timeout", "5s"]);
    assert.equal(never.code, 4);
    const started = await sb.fleet(["start", "busy"]);
    assert.equal(started.code, 0, started.stderr);
    // The mark the last run left is gone with it: the new run is busy.
    const running = await waitJson(["busy", "--state", "running", "--timeout", "20s"]);
    assert.deepEqual([running.agent.state, running.agent.waitingFor], ["RUNNING", null]);
  });

  test("bad input changes nothing and says what is wrong", async () => {
    const badState = await sb.fleet(["wait", "turns", "--state", "asleep"]);
    assert.equal(badState.code, 2);
    assert.match(badState.stderr, /Allowed choices are waiting, done, running, stopped/);
    const badTimeout = await sb.fleet(["wait", "turns", "--timeout", "soon"]);
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout expects a duration such as 30s/);
    const nobody = await sb.fleet(["wait", "nobody"]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /nobody/);
    const json = await sb.fleet(["wait", "nobody", "--json"]);
    assert.equal(json.code, 1);
    assert.equal(
      (JSON.parse(json.stdout) as { error: { code: string } }).error.code.length > 0,
      true,
    );
  });
});
