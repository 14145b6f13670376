import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hasChanges } from "../../../src/core/plan/compute.ts";
import {
  actions,
  agent,
  changeAt,
  desired,
  hostError,
  live,
  liveAgent,
  LOCAL_LIVE,
  plan,
} from "./fixtures.ts";

describe("computePlan: agents", () => {
  test("a desired agent with nothing live is created", () => {
    const p = plan(desired([agent("web")]), live());
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "create");
    assert.equal(change.before, null);
    assert.equal(change.kind, "agent");
    assert.equal(change.provider, "local");
    assert.deepEqual(p.summary, { add: 1, change: 0, destroy: 0, start: 0, stop: 0, noop: 0 });
    assert.equal(hasChanges(p), true);
  });

  test("an agent that matches its live copy is a noop and the plan has no changes", () => {
    const spec = agent("web", { args: ["--x"], env: { B: "2", A: "1" } });
    // Same content, keys in another order: equality is structural.
    const running = liveAgent(agent("web", { args: ["--x"], env: { A: "1", B: "2" } }));
    const p = plan(desired([spec]), live([running]));
    assert.equal(changeAt(p, "agents.web").action, "noop");
    assert.equal(hasChanges(p), false);
    assert.equal(p.summary.noop, 1);
  });

  test("changed args force a replacement and name the field", () => {
    const p = plan(
      desired([agent("web", { args: ["b"] })]),
      live([liveAgent(agent("web", { args: ["a"] }))]),
    );
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "replace");
    assert.deepEqual(change.fields, [
      { field: "args", before: ["a"], after: ["b"], forcesReplacement: true, sensitive: false },
    ]);
    assert.deepEqual(change.reasons, ["args changed (forces replacement)"]);
    assert.deepEqual(p.summary, { add: 1, change: 0, destroy: 1, start: 0, stop: 0, noop: 0 });
  });

  test("a changed command forces a replacement", () => {
    const p = plan(
      desired([agent("web", { command: "tail -F b.log" })]),
      live([liveAgent(agent("web", { command: "tail -F a.log" }))]),
    );
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "replace");
    assert.deepEqual(
      change.fields.map((f) => [f.field, f.forcesReplacement]),
      [["command", true]],
    );
  });

  test("changed labels only are updated in place", () => {
    const p = plan(
      desired([agent("web", { labels: { team: "b" }, idleTimeout: 60_000 })]),
      live([liveAgent(agent("web", { labels: { team: "a" } }))]),
    );
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "update");
    assert.deepEqual(
      change.fields.map((f) => [f.field, f.forcesReplacement]),
      [
        ["labels", false],
        ["idleTimeout", false],
      ],
    );
    assert.deepEqual(p.summary, { add: 0, change: 1, destroy: 0, start: 0, stop: 0, noop: 0 });
  });

  test("an update field and a forcing field together make a replacement", () => {
    const p = plan(
      desired([agent("web", { labels: { a: "1" }, env: { X: "2" } })]),
      live([liveAgent(agent("web", { env: { X: "1" } }))]),
    );
    assert.equal(changeAt(p, "agents.web").action, "replace");
  });

  test("an owned agent no longer in the fleet file is deleted", () => {
    const p = plan(desired([]), live([liveAgent(agent("old"))]));
    const change = changeAt(p, "agents.old");
    assert.equal(change.action, "delete");
    assert.equal(change.after, null);
    assert.equal(change.host, "local");
    assert.deepEqual(change.reasons, ["no longer in the fleet file"]);
    assert.equal(p.summary.destroy, 1);
  });

  test("agents of another fleet or of no fleet are never planned", () => {
    const p = plan(
      desired([]),
      live([
        liveAgent(agent("mine-by-hand"), { fleet: null }),
        liveAgent(agent("theirs"), { fleet: "other-team" }),
      ]),
    );
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.conflicts, []);
  });

  test("a desired name taken on its host by an unowned agent is a conflict, not a change", () => {
    const p = plan(
      desired([agent("web")]),
      live([liveAgent(agent("web", { args: ["x"] }), { fleet: null })]),
    );
    assert.deepEqual(p.changes, []);
    assert.equal(p.conflicts.length, 1);
    assert.equal(p.conflicts[0]?.address, "agents.web");
    assert.match(p.conflicts[0]?.message ?? "", /fleet create/);
  });

  test("a desired name used by another fleet's agent on a different host is no conflict", () => {
    const p = plan(
      desired([agent("web")]),
      live([liveAgent(agent("web", { host: "box" }), { fleet: "other-team", provider: "ssh" })]),
    );
    assert.equal(changeAt(p, "agents.web").action, "create");
    assert.deepEqual(p.conflicts, []);
  });

  test("an agent whose session is gone (MISSING) is created again", () => {
    const p = plan(desired([agent("web")]), live([liveAgent(agent("web"), { state: "MISSING" })]));
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "create");
    assert.ok(change.reasons.includes("the agent's session is gone"));
    assert.equal(p.summary.add, 1);
    assert.equal(p.summary.destroy, 0);
  });

  test("a STOPPED agent is left stopped (noop, with a reason)", () => {
    const p = plan(desired([agent("web")]), live([liveAgent(agent("web"), { state: "STOPPED" })]));
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "noop");
    assert.match(change.reasons.join(" "), /stopped; `fleet start web` resumes it/);
    assert.equal(hasChanges(p), false);
  });

  test("a DONE agent is a noop", () => {
    const p = plan(desired([agent("web")]), live([liveAgent(agent("web"), { state: "DONE" })]));
    assert.equal(changeAt(p, "agents.web").action, "noop");
  });

  test("an agent moved to another host is replaced, forced by host", () => {
    const p = plan(
      desired([agent("web", { host: "box" })], [{ name: "box", provider: "ssh", config: {} }]),
      live(
        [liveAgent(agent("web"))],
        [LOCAL_LIVE, { name: "box", provider: "ssh", fleet: null, state: "running" }],
      ),
    );
    const change = changeAt(p, "agents.web");
    assert.equal(change.action, "replace");
    assert.equal(change.host, "box");
    assert.equal((change.before as { host: string }).host, "local");
    assert.deepEqual(
      change.fields.map((f) => [f.field, f.before, f.after, f.forcesReplacement]),
      [["host", "local", "box", true]],
    );
    assert.match(change.reasons[0] ?? "", /moved from host local to box/);
  });

  test("agents on a host that could not be read are not planned", () => {
    const d = desired(
      [agent("a", { host: "box" }), agent("b", { host: "box" }), agent("c")],
      [{ name: "box", provider: "ssh", config: {} }],
    );
    const p = plan(d, live([], [LOCAL_LIVE], [hostError("box")]));
    assert.deepEqual(actions(p), { "agents.c": "create" });
    assert.equal(p.hostErrors.length, 1);
    assert.equal(p.hostErrors[0]?.host, "box");
    assert.equal(p.hostErrors[0]?.error.message, "connection refused");
    assert.deepEqual(p.hostErrors[0]?.unplanned, ["agents.a", "agents.b"]);
  });

  test("an owned agent kept by name is not deleted while its desired host is unreadable", () => {
    const d = desired(
      [agent("a", { host: "box" })],
      [{ name: "box", provider: "ssh", config: {} }],
    );
    const p = plan(d, live([liveAgent(agent("a"))], [LOCAL_LIVE], [hostError("box")]));
    assert.deepEqual(p.changes, []);
  });

  test("secrets changes are marked sensitive; env changes are not", () => {
    const p = plan(
      desired([agent("web", { secrets: ["B_TOKEN"], env: { MODE: "b" } })]),
      live([liveAgent(agent("web", { secrets: ["A_TOKEN"], env: { MODE: "a" } }))]),
    );
    const fields = changeAt(p, "agents.web").fields;
    assert.deepEqual(
      fields.map((f) => [f.field, f.sensitive, f.forcesReplacement]),
      [
        ["env", false, true],
        ["secrets", true, true],
      ],
    );
  });

  test("a second owned copy on another host is deleted under its own address", () => {
    const p = plan(
      desired([agent("web")]),
      live([
        liveAgent(agent("web")),
        liveAgent(agent("web", { host: "box" }), { provider: "ssh" }),
      ]),
    );
    assert.deepEqual(actions(p), { "agents.web": "noop", "agents.web@box": "delete" });
    assert.equal(changeAt(p, "agents.web@box").host, "box");
  });

  test("the plan is deterministic and does not touch its inputs", () => {
    const d = desired([agent("b"), agent("a", { args: ["2"] }), agent("c")]);
    const l = live([liveAgent(agent("a", { args: ["1"] })), liveAgent(agent("z"))]);
    const before = JSON.stringify([d, l]);
    const first = plan(d, l);
    const second = plan(structuredClone(d), structuredClone(l));
    assert.deepEqual(first, second);
    assert.equal(JSON.stringify([d, l]), before);
    assert.deepEqual(
      first.changes.map((c) => c.address),
      ["agents.a", "agents.b", "agents.c", "agents.z"],
    );
    assert.equal(first.createdAt, "2025-01-02T03:04:05.000Z");
  });
});
