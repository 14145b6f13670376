import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const fleetYaml = (extra = "", args = '["one"]', labels = "{ team: core }") => `version: 1
name: cycle
agents:
  alpha:
    agent: command
    command: "sh -c 'sleep 600'"
    args: ${args}
    labels: ${labels}
    env: { GREETING: hello-from-file }
  beta:
    agent: command
    command: "sleep 600"
${extra}`;

interface ListJson {
  agents: { name: string; state: string; fleet: string | null; host: string }[];
  errors: unknown[];
}

describe("plan and apply against real tmux", () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await makeSandbox("plan-apply");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(file, fleetYaml());
  });
  after(() => sb.cleanup());

  test("apply creates the agents and list shows them RUNNING", async () => {
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    const listed = await sb.fleet(["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as ListJson;
    assert.deepEqual(
      list.agents.map((a) => [a.name, a.state, a.fleet, a.host]),
      [
        ["alpha", "RUNNING", "cycle", "local"],
        ["beta", "RUNNING", "cycle", "local"],
      ],
    );
  });

  test("plan after apply reports no changes with exit 0", async () => {
    const planned = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(planned.code, 0, planned.stdout + planned.stderr);
    assert.match(planned.stdout, /No changes/);
  });

  test("a second apply of the same file changes nothing", async () => {
    const again = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes/);
  });

  test("a session killed by hand is planned for creation (exit 2) and apply brings it back", async () => {
    const killed = await sb.tmux(["kill-session", "-t", `${sb.prefix}beta`]);
    assert.equal(killed.code, 0, killed.stderr);
    const planned = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(planned.code, 2, planned.stdout + planned.stderr);
    assert.match(planned.stdout, /agents\.beta/);
    assert.match(planned.stdout, /Plan: 1 to add, 0 to change, 0 to destroy\./);
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    const sessions = await sb.tmux(["list-sessions", "-F", "#{session_name}"]);
    assert.ok(sessions.stdout.split("\n").includes(`${sb.prefix}beta`));
  });

  test("changing args plans a replace and says which field forces it", async () => {
    await writeFile(file, fleetYaml("", '["two"]'));
    const planned = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /# agents\.alpha must be replaced/);
    assert.match(planned.stdout, /-\/\+ agent "alpha"/);
    assert.match(planned.stdout, /args[^\n]*forces replacement/);
    assert.match(planned.stdout, /Plan: 1 to add, 0 to change, 1 to destroy\./);
  });

  test("changing only labels plans an in-place update", async () => {
    await writeFile(file, fleetYaml("", '["one"]', "{ team: platform }"));
    const planned = await sb.fleet(["plan", "-f", file, "--format", "json"]);
    const plan = JSON.parse(planned.stdout) as { changes: { address: string; action: string }[] };
    const alpha = plan.changes.find((c) => c.address === "agents.alpha");
    assert.equal(alpha?.action, "update");
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /0 added, 1 changed, 0 destroyed/);
  });

  test("an agent made with fleet create never appears in the fleet's plan", async () => {
    const created = await sb.fleet(["create", "loner", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    const planned = await sb.fleet(["plan", "-f", file, "--format", "json"]);
    assert.doesNotMatch(planned.stdout, /loner/);
  });

  test("removing an agent from the file plans its deletion", async () => {
    await writeFile(
      file,
      `version: 1\nname: cycle\nagents:\n  alpha:\n    agent: command\n    command: "sh -c 'sleep 600'"\n    args: ["one"]\n    labels: { team: platform }\n    env: { GREETING: hello-from-file }\n`,
    );
    const planned = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(planned.code, 2);
    assert.match(planned.stdout, /agents\.beta will be destroyed/);
    assert.match(planned.stdout, /Plan: 0 to add, 0 to change, 1 to destroy\./);
  });

  test("a saved plan is refused once live state has moved", async () => {
    const planFile = join(sb.dir, "plan.json");
    const saved = await sb.fleet(["plan", "-f", file, "-o", planFile]);
    assert.equal(saved.code, 0, saved.stderr);
    await sb.tmux(["kill-session", "-t", `${sb.prefix}alpha`]);
    const applied = await sb.fleet(["apply", planFile]);
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /stale/);
    const fresh = join(sb.dir, "plan2.json");
    assert.equal((await sb.fleet(["plan", "-f", file, "-o", fresh])).code, 0);
    const good = await sb.fleet(["apply", fresh]);
    assert.equal(good.code, 0, good.stderr);
  });

  test("apply without -y and without a terminal refuses with a hint and changes nothing", async () => {
    await writeFile(file, fleetYaml());
    const applied = await sb.fleet(["apply", "-f", file]);
    assert.equal(applied.code, 2);
    assert.match(applied.stderr, /--yes/);
    const list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as ListJson;
    assert.equal(
      list.agents.some((a) => a.name === "beta"),
      false,
    );
  });
});
