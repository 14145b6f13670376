/**
 * Every `provider: local` host is this machine under another name: the plan sees
 * an agent declared on `laptop` where it is, never deletes it for not being on
 * `local`, and treats names as one machine (one agent per name).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { computePlan } from "../../../src/core/plan/compute.ts";
import type { LiveHost } from "../../../src/core/model.ts";
import {
  actions,
  agent,
  CAPABILITIES,
  changeAt,
  desired,
  host,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
  NOW,
  plan,
} from "./fixtures.ts";

const laptop = host("laptop", "local");
const LAPTOP_LIVE: LiveHost = { ...LOCAL_LIVE, name: "laptop" };

describe("computePlan: local hosts by any name", () => {
  test("an agent declared on laptop and live there is a noop", () => {
    const spec = agent("docs", { host: "laptop" });
    const running = liveAgent(spec, { provider: "local" });
    const p = plan(desired([spec], [laptop]), live([running], [LOCAL_LIVE, LAPTOP_LIVE]));
    assert.deepEqual(actions(p), { "agents.docs": "noop" });
  });

  test("an agent moved from local to laptop is updated in place, not replaced", () => {
    const before = liveAgent(agent("docs"), { provider: "local" });
    const p = plan(
      desired([agent("docs", { host: "laptop" })], [laptop]),
      live([before], [LOCAL_LIVE, LAPTOP_LIVE]),
    );
    const change = changeAt(p, "agents.docs");
    assert.equal(change.action, "update");
    assert.deepEqual(change.reasons, [
      "host renamed from local to laptop, the same machine (updated in place)",
    ]);
    assert.deepEqual(
      change.fields.map((f) => [f.field, f.before, f.after, f.forcesReplacement]),
      [["host", "local", "laptop", false]],
    );
  });

  test("an agent another fleet made on workstation (local) blocks the same name on laptop", () => {
    const theirs = liveAgent(agent("docs", { host: "workstation" }), {
      provider: "local",
      fleet: "other",
    });
    const p = plan(desired([agent("docs", { host: "laptop" })], [laptop]), live([theirs]));
    assert.deepEqual(actions(p), {});
    assert.equal(p.conflicts.length, 1);
    assert.match(
      p.conflicts[0]?.message ?? "",
      /host laptop \(the same machine as workstation\) already has an agent named "docs" that belongs to fleet "other"/,
    );
  });

  test("agents of other fleets and `fleet create` on other local names are left alone", () => {
    const created = liveAgent(agent("scratch", { host: "laptop" }), {
      provider: "local",
      fleet: null,
    });
    const other = liveAgent(agent("tail", { host: "bench" }), { provider: "local", fleet: "ops" });
    const mine = agent("docs", { host: "laptop" });
    const p = plan(
      desired([mine], [laptop]),
      live([created, other, liveAgent(mine, { provider: "local" })]),
    );
    assert.deepEqual(actions(p), { "agents.docs": "noop" });
  });

  test("an owned agent on a local name the file dropped is deleted because it left the file", () => {
    const gone = liveAgent(agent("old", { host: "workstation" }), { provider: "local" });
    const p = plan(desired([]), live([gone]));
    const change = changeAt(p, "agents.old");
    assert.equal(change.action, "delete");
    assert.equal(change.host, "workstation");
    assert.deepEqual(change.reasons, ["no longer in the fleet file"]);
  });

  test("moving an agent from a local name to a docker host replaces it", () => {
    const before = liveAgent(agent("docs", { host: "laptop" }), { provider: "local" });
    const p = plan(
      desired([agent("docs", { host: "sandbox" })], [host("sandbox")]),
      live([before]),
    );
    assert.equal(changeAt(p, "agents.docs").action, "replace");
  });

  test("an agent on one docker host is not on another docker host named like the agent", () => {
    const theirs = liveAgent(agent("box2", { host: "sandbox" }), { fleet: "other" });
    const p = plan(
      desired([agent("box2", { host: "box2" })], [host("box2")]),
      live([theirs], [LOCAL_LIVE, liveHost(host("sandbox"), { fleet: "other" })]),
    );
    assert.deepEqual(p.conflicts, []);
    assert.equal(changeAt(p, "agents.box2").action, "create");
  });

  test("a destroy plan says the agent goes with the fleet, not that it left the file", () => {
    const mine = liveAgent(agent("docs", { host: "laptop" }), { provider: "local" });
    const p = computePlan(desired([]), live([mine]), {
      capabilities: CAPABILITIES,
      now: NOW,
      destroying: true,
    });
    assert.deepEqual(changeAt(p, "agents.docs").reasons, [
      'fleet destroy: everything fleet "payments" owns is destroyed',
    ]);
  });
});
