/**
 * Faults in state never hide or harm agents: a corrupt agent.json or
 * events.jsonl for one agent is an error for that agent, the others still show,
 * apply leaves its session running, and losing FLEET_HOME's caches hides nothing.
 */
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

interface ListJson {
  agents: { name: string; state: string }[];
  errors: { host: string; agent?: string; state?: string; error: { code: string } }[];
}

describe("faults in state", () => {
  let sb: Sandbox;
  let file: string;
  const recordOf = (agent: string): string => join(sb.home, "agents", agent, "agent.json");
  const list = async (): Promise<{ code: number; json: ListJson }> => {
    const result = await sb.fleet(["list", "--json"]);
    return { code: result.code, json: JSON.parse(result.stdout) as ListJson };
  };
  const sessionAlive = async (agent: string): Promise<boolean> =>
    (await sb.tmux(["has-session", "-t", `=${sb.prefix}${agent}`])).code === 0;

  before(async () => {
    sb = await makeSandbox("state-faults");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: faults
agents:
  broken: { command: "sleep 600" }
  noisy: { command: "sleep 600" }
  fine: { command: "sleep 600" }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => sb.cleanup());

  test("a corrupt agent.json is an error for that agent; list shows the others", async () => {
    await writeFile(recordOf("broken"), '{"version":1,"name":"broken", truncated');
    await writeFile(join(sb.home, "agents", "noisy", "events.jsonl"), "\u0000garbage{{{\n");
    const { code, json } = await list();
    assert.equal(code, 1);
    assert.deepEqual(json.agents.map((a) => `${a.name}:${a.state}`).sort(), [
      "fine:RUNNING",
      "noisy:RUNNING",
    ]);
    const error = json.errors.find((e) => e.agent === "broken");
    assert.equal(error?.error.code, "RECORD_UNREADABLE");
    assert.equal(error?.state, "UNREADABLE");
    const text = await sb.fleet(["list"]);
    assert.match(text.stdout, /^broken\s+local\s+UNREADABLE/m);
    assert.match(text.stdout, /^fine\s+local\s+RUNNING/m);
  });

  test("plan reports it and plans nothing for it; apply leaves its session running", async () => {
    const plan = await sb.fleet(["plan", "-f", file, "--format", "json"]);
    const doc = JSON.parse(plan.stdout) as {
      changes: { address: string; action: string }[];
      conflicts: { address: string; message: string }[];
    };
    assert.equal(doc.changes.filter((c) => c.address === "agents.broken").length, 0);
    assert.match(
      doc.conflicts.find((c) => c.address === "agents.broken")?.message ?? "",
      /UNREADABLE/,
    );
    await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(await sessionAlive("broken"), true);
    assert.match(await readFile(recordOf("broken"), "utf8"), /truncated/);
  });

  test("an unreadable agent.json is reported the same way", async () => {
    if (process.getuid?.() === 0) {
      // Root reads any file: make it a directory instead, which no one can read as a file.
      await rm(recordOf("fine"));
      await mkdir(recordOf("fine"));
    } else {
      await chmod(recordOf("fine"), 0o000);
    }
    const { json } = await list();
    assert.equal(json.errors.find((e) => e.agent === "fine")?.error.code, "RECORD_UNREADABLE");
    assert.deepEqual(
      json.agents.map((a) => a.name),
      ["noisy"],
    );
    await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(await sessionAlive("fine"), true);
  });

  test("losing FLEET_HOME's caches hides no running agent", async () => {
    await rm(join(sb.home, "hosts"), { recursive: true, force: true });
    await rm(join(sb.home, "cache"), { recursive: true, force: true });
    const { json } = await list();
    assert.deepEqual(
      json.agents.map((a) => a.name),
      ["noisy"],
    );
    assert.deepEqual(json.errors.map((e) => e.agent).sort(), ["broken", "fine"]);
  });

  test("destroy removes an agent whose record is unreadable, session and dir", async () => {
    const destroyed = await sb.fleet(["destroy", "broken", "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal(await sessionAlive("broken"), false);
    const { json } = await list();
    assert.equal(
      json.errors.some((e) => e.agent === "broken"),
      false,
    );
  });
});
