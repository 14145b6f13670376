import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";

describe("list on an empty machine", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("list-empty");
  });
  after(() => sb.cleanup());

  test("json is the documented shape with an empty agent list and exit 0", async () => {
    const result = await sb.fleet(["list", "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { format_version: "1.0", agents: [], errors: [] });
  });

  test("jsonl prints nothing and the table says there are no agents", async () => {
    const jsonl = await sb.fleet(["ls", "--format", "jsonl"]);
    assert.equal(jsonl.code, 0);
    assert.equal(jsonl.stdout, "");
    const table = await sb.fleet(["ls"]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /No agents/);
  });

  test("an unknown format is a usage error (exit 2)", async () => {
    const result = await sb.fleet(["list", "--format", "xml"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /table, json, jsonl/);
  });
});

describe("two applies of the same file at once", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("concurrent");
  });
  after(() => sb.cleanup());

  test("end with exactly the declared agents and no error but a lock wait", async () => {
    const file = join(sb.dir, "fleet.yaml");
    const agents = ["a1", "a2", "a3", "a4", "a5"]
      .map((n) => `  ${n}: { agent: command, command: "sleep 600" }`)
      .join("\n");
    await writeFile(file, `version: 1\nname: race\nagents:\n${agents}\n`);
    const [first, second] = await Promise.all([
      sb.fleet(["apply", "-f", file, "-y"]),
      sb.fleet(["apply", "-f", file, "-y"]),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    for (const run of [first, second]) {
      const problems = run.stderr
        .split("\n")
        .filter((l) => l.trim() !== "" && !/lock|waiting/i.test(l) && !/created|creating/.test(l));
      assert.deepEqual(problems, [], "only lock/wait messages may appear on stderr");
    }
    const sessions = (await sb.tmux(["list-sessions", "-F", "#{session_name}"])).stdout
      .trim()
      .split("\n")
      .sort();
    assert.deepEqual(
      sessions,
      ["a1", "a2", "a3", "a4", "a5"].map((n) => `${sb.prefix}${n}`),
    );
    const list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as {
      agents: { name: string }[];
    };
    assert.equal(list.agents.length, 5);
  });
});

describe("the README's example fleet", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("example");
  });
  after(() => sb.cleanup());

  test("applies on this machine and lists its agents RUNNING", async () => {
    const applied = await sb.fleet([
      "apply",
      "-f",
      join(repoRoot, "stacks", "local", "fleet.yaml"),
      "-y",
    ]);
    assert.equal(applied.code, 0, applied.stderr);
    const list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as {
      agents: { name: string; state: string; fleet: string }[];
    };
    assert.ok(list.agents.length >= 2);
    for (const agent of list.agents) assert.equal(agent.state, "RUNNING", agent.name);
    const planned = await sb.fleet([
      "plan",
      "-f",
      join(repoRoot, "stacks", "local", "fleet.yaml"),
      "--detailed-exitcode",
    ]);
    assert.equal(planned.code, 0, planned.stdout);
  });

  test("the TypeScript version of the example plans the same agents", async () => {
    const yaml = JSON.parse(
      (await sb.fleet(["plan", "-f", join(repoRoot, "stacks", "local", "fleet.yaml"), "--json"]))
        .stdout,
    ) as { changes: { address: string; action: string }[] };
    const ts = JSON.parse(
      (await sb.fleet(["plan", "-f", join(repoRoot, "stacks", "local", "fleet.ts"), "--json"]))
        .stdout,
    ) as typeof yaml;
    assert.deepEqual(
      ts.changes.map((c) => [c.address, c.action]),
      yaml.changes.map((c) => [c.address, c.action]),
    );
  });
});
