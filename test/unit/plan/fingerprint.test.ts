import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { liveFingerprint, planScope } from "../../../src/core/plan/fingerprint.ts";
import type { LiveState } from "../../../src/core/model.ts";
import {
  agent,
  desired,
  host,
  hostError,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
  plan,
} from "./fixtures.ts";

const fleetFile = desired([agent("web"), agent("api", { host: "sandbox" })], [host("sandbox")]);
const scope = planScope(fleetFile);

function baseline(): LiveState {
  return live(
    [
      liveAgent(agent("web")),
      liveAgent(agent("api", { host: "sandbox" })),
      liveAgent(agent("retired")),
      liveAgent(agent("by-hand"), { fleet: null }),
      liveAgent(agent("theirs", { host: "sandbox" }), { fleet: "other-team" }),
    ],
    [LOCAL_LIVE, liveHost(host("sandbox"))],
  );
}

const base = liveFingerprint(baseline(), scope);

function fingerprintAfter(edit: (state: LiveState) => void): string {
  const state = baseline();
  edit(state);
  return liveFingerprint(state, scope);
}

function agentNamed(state: LiveState, name: string): LiveState["agents"][number] {
  const found = state.agents.find((a) => a.name === name);
  assert.ok(found, `fixture has agent ${name}`);
  return found;
}

describe("liveFingerprint", () => {
  test("computePlan records the fingerprint of the live state it used", () => {
    assert.equal(plan(fleetFile, baseline()).fingerprint, base);
    assert.match(base, /^[0-9a-f]{64}$/);
  });

  test("does not depend on the order objects were discovered in", () => {
    assert.equal(
      fingerprintAfter((s) => s.agents.reverse()),
      base,
    );
  });

  describe("stays the same for changes the plan did not depend on", () => {
    const unrelated: [string, (state: LiveState) => void][] = [
      ["a new agent of no fleet", (s) => s.agents.push(liveAgent(agent("other"), { fleet: null }))],
      ["another fleet's agent stopping", (s) => (agentNamed(s, "theirs").state = "STOPPED")],
      [
        "an unowned agent changing spec",
        (s) => (agentNamed(s, "by-hand").spec = agent("by-hand", { args: ["y"] })),
      ],
      [
        "activity and attachment",
        (s) => Object.assign(agentNamed(s, "web"), { lastActivity: 5, attached: true }),
      ],
      ["RUNNING flipping to WAITING", (s) => (agentNamed(s, "web").state = "WAITING")],
      [
        "a desired agent stopped by idle reconcile",
        (s) => (agentNamed(s, "web").state = "STOPPED"),
      ],
      ["a desired agent's process exiting", (s) => (agentNamed(s, "web").state = "DONE")],
      [
        "a host outside the fleet",
        (s) => s.hosts.push({ name: "x", provider: "ssh", fleet: null, state: "running" }),
      ],
      ["an error on a host outside the fleet", (s) => s.errors.push(hostError("elsewhere"))],
    ];
    for (const [what, edit] of unrelated) {
      test(what, () => assert.equal(fingerprintAfter(edit), base));
    }
  });

  describe("changes when something the plan depended on changes", () => {
    const related: [string, (state: LiveState) => void][] = [
      ["a desired agent's session vanishing", (s) => (agentNamed(s, "web").state = "MISSING")],
      [
        "a desired agent's spec changing",
        (s) => (agentNamed(s, "web").spec = agent("web", { args: ["x"] })),
      ],
      [
        "a desired agent going away",
        (s) => s.agents.splice(s.agents.indexOf(agentNamed(s, "web")), 1),
      ],
      ["an owned undesired agent changing", (s) => (agentNamed(s, "retired").state = "MISSING")],
      [
        "an unowned agent taking a desired name",
        (s) => s.agents.push(liveAgent(agent("api", { host: "sandbox" }), { fleet: null })),
      ],
      [
        "a desired host stopping",
        (s) => (s.hosts[1] = liveHost(host("sandbox"), { state: "stopped" })),
      ],
      ["a desired host becoming unreadable", (s) => s.errors.push(hostError("sandbox", "docker"))],
      ["an owned agent's owner changing", (s) => (agentNamed(s, "retired").fleet = "other-team")],
    ];
    for (const [what, edit] of related) {
      test(what, () => assert.notEqual(fingerprintAfter(edit), base));
    }
  });
});
