import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { HostError, LiveState } from "../../../src/core/model.ts";
import { agent, desired, live, liveAgent, plan } from "./fixtures.ts";

const tampered = (name: string, host = "local"): HostError => ({
  host,
  provider: "local",
  agent: name,
  error: {
    code: "RECORD_TAMPERED",
    message: `agent ${name}@${host} is TAMPERED: its record's signature does not match`,
    fault: "system",
  },
});

const withErrors = (state: LiveState, errors: HostError[]): LiveState => ({
  ...state,
  errors: [...state.errors, ...errors],
});

describe("computePlan: agents whose record cannot be trusted", () => {
  test("a desired agent with a TAMPERED record is a conflict, neither created nor replaced", () => {
    const p = plan(
      desired([agent("web"), agent("api")]),
      withErrors(live([liveAgent(agent("api"))]), [tampered("web")]),
    );
    assert.equal(
      p.changes.some((c) => c.address === "agents.web"),
      false,
    );
    assert.match(p.conflicts.find((c) => c.address === "agents.web")?.message ?? "", /TAMPERED/);
    // The other agent is planned as usual, and no host error is claimed.
    assert.equal(p.changes.find((c) => c.address === "agents.api")?.action, "noop");
    assert.deepEqual(p.hostErrors, []);
  });

  test("an untrusted agent the file does not name is reported, never deleted", () => {
    const p = plan(desired([]), withErrors(live(), [tampered("old")]));
    assert.equal(p.changes.length, 0);
    assert.equal(p.conflicts[0]?.address, "agents.old@local");
  });
});
