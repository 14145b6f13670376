/**
 * The MCP server's plan ids (src/core/plan/plan-store.ts): private files, good once,
 * for a limited time, and unguessable names only.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isFleetError } from "../../../src/core/errors.ts";
import { PlanStore } from "../../../src/core/plan/plan-store.ts";
import { agent, desired, live, plan } from "../plan/fixtures.ts";

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), "fleet-test-plan-store-"));
});
after(() => rm(home, { recursive: true, force: true }));

const fleet = desired([agent("web")]);
// The fixtures' clock is in 2025: a plan made now is what the store sees in use.
const made = { ...plan(fleet, live([])), createdAt: new Date().toISOString() };

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isFleetError(error), String(error));
    return error.code;
  }
  assert.fail("expected a refusal");
}

describe("PlanStore", () => {
  test("gives back the plan it saved, once", async () => {
    const store = new PlanStore({ home, prefix: "fleet-" });
    const { planId } = await store.save(made, fleet);
    const taken = await store.take(planId);
    assert.equal(taken.plan.fingerprint, made.fingerprint);
    assert.equal(taken.desired.fleet, fleet.fleet);
    assert.equal(await refusal(store.take(planId)), "PLAN_USED");
  });

  test("keeps plans 0600 in a 0700 directory", async () => {
    const store = new PlanStore({ home, prefix: "fleet-" });
    const { planId } = await store.save(made, fleet);
    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(store.dir, `${planId}.json`))).mode & 0o777, 0o600);
  });

  test("two applies of one id at once: one gets the plan, the other is refused", async () => {
    const store = new PlanStore({ home, prefix: "fleet-" });
    const { planId } = await store.save(made, fleet);
    const results = await Promise.allSettled([store.take(planId), store.take(planId)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
  });

  test("refuses a plan past its time, and then calls the id used", async () => {
    let now = Date.parse(made.createdAt);
    const store = new PlanStore({ home, prefix: "fleet-" }, { ttlMs: 1000, now: () => now });
    const { planId, expiresAt } = await store.save(made, fleet);
    assert.equal(Date.parse(expiresAt), Date.parse(made.createdAt) + 1000);
    now += 1001;
    assert.equal(await refusal(store.take(planId)), "PLAN_EXPIRED");
    assert.equal(await refusal(store.take(planId)), "PLAN_USED");
  });

  test("refuses ids it never made, paths included, touching nothing", async () => {
    const store = new PlanStore({ home, prefix: "fleet-" });
    const before = (await readdir(store.dir)).sort();
    for (const id of ["nope", "../../etc/passwd", "A".repeat(24), ""]) {
      assert.equal(await refusal(store.take(id)), "PLAN_UNKNOWN", id);
    }
    assert.deepEqual((await readdir(store.dir)).sort(), before);
  });
});
