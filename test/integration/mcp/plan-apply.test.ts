/**
 * `plan` and `apply` through `fleet mcp`: apply takes only a planId that plan
 * returned, once, and refuses it when live state moved since the plan.
 */
import assert from "node:assert/strict";
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { callError, callOk, connectStdio, type FleetClient, listed } from "./mcp-client.ts";

interface Planned {
  planId: string;
  expiresAt: string;
  hasChanges: boolean;
  plan: {
    format_version: string;
    fleet: string;
    summary: { add: number };
    changes: { address: string; action: string }[];
  };
}

interface Applied {
  ok: boolean;
  changed: boolean;
  outcomes: { address: string; status: string }[];
}

const fleetFile = (agents: string[]): string =>
  `version: 1\nname: mcpteam\nagents:\n${agents.map((a) => `  ${a}: { agent: command, command: "sleep 600" }\n`).join("")}`;

describe("fleet mcp: plan and apply", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  let file: string;
  before(async () => {
    sb = await makeSandbox("mcp-plan");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(file, fleetFile(["planned"]));
    mcp = await connectStdio(sb);
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  let first: Planned;

  test("plan returns fleet's JSON plan and a planId, kept 0600 under FLEET_HOME/mcp/plans", async () => {
    first = await callOk<Planned>(mcp.client, "plan", { file: "fleet.yaml" });
    assert.match(first.planId, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(first.hasChanges, true);
    assert.equal(first.plan.format_version, "1.0");
    assert.equal(first.plan.fleet, "mcpteam");
    assert.equal(first.plan.summary.add, 1);
    assert.deepEqual(
      first.plan.changes.map((c) => [c.address, c.action]),
      [["agents.planned", "create"]],
    );
    const expires = Date.parse(first.expiresAt) - Date.now();
    assert.ok(expires > 55 * 60_000 && expires <= 60 * 60_000, `expires in ${expires} ms`);
    const dir = join(sb.home, "mcp", "plans");
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(dir), [`${first.planId}.json`]);
    assert.equal((await stat(join(dir, `${first.planId}.json`))).mode & 0o777, 0o600);
    // Planning changed nothing.
    assert.deepEqual(await listed(mcp.client), []);
  });

  test("apply of that planId makes the agent, which then runs", async () => {
    const applied = await callOk<Applied>(mcp.client, "apply", { planId: first.planId });
    assert.equal(applied.ok, true);
    assert.deepEqual(
      applied.outcomes.map((o) => [o.address, o.status]),
      [["agents.planned", "done"]],
    );
    const agents = await listed(mcp.client);
    assert.deepEqual(
      agents.map((a) => [a.name, a.state, a.fleet]),
      [["planned", "RUNNING", "mcpteam"]],
    );
  });

  test("a planId is good once", async () => {
    const { error } = await callError(mcp.client, "apply", { planId: first.planId });
    assert.equal(error.code, "PLAN_USED");
    assert.match(error.hint ?? "", /plan/);
  });

  test("an id plan never gave out is refused, a path-like one too", async () => {
    for (const planId of ["AAAAAAAAAAAAAAAAAAAAAAAA", "../../trust/record.key"]) {
      const { error } = await callError(mcp.client, "apply", { planId });
      assert.equal(error.code, "PLAN_UNKNOWN", planId);
    }
  });

  test("a plan is stale once an agent of the same name appears", async () => {
    await writeFile(file, fleetFile(["planned", "second"]));
    const plan = await callOk<Planned>(mcp.client, "plan", { file });
    assert.deepEqual(
      plan.plan.changes.filter((c) => c.action !== "noop").map((c) => c.address),
      ["agents.second"],
    );
    await callOk(mcp.client, "create_agent", { name: "second", command: "sleep 600" });
    const { error } = await callError(mcp.client, "apply", { planId: plan.planId });
    assert.equal(error.code, "PLAN_STALE");
    // Nothing was applied: `second` is still the one create_agent made.
    const second = (await listed(mcp.client)).find((a) => a.name === "second");
    assert.equal(second?.fleet, null);
    await callOk(mcp.client, "destroy_agent", { agents: ["second"] });
  });

  test("a plan is stale once an agent it counted on is destroyed", async () => {
    const plan = await callOk<Planned>(mcp.client, "plan", { file });
    await callOk(mcp.client, "destroy_agent", { agents: ["planned"] });
    const { error } = await callError(mcp.client, "apply", { planId: plan.planId });
    assert.equal(error.code, "PLAN_STALE");
    assert.equal(
      (await listed(mcp.client)).some((a) => a.name === "planned"),
      false,
    );
  });

  test("a fleet file that does not exist is a tool error naming it", async () => {
    const { error } = await callError(mcp.client, "plan", { file: "missing.yaml" });
    assert.equal(error.code, "CONFIG_NOT_FOUND");
    assert.match(error.message, /missing\.yaml/);
  });
});
