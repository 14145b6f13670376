import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { durationWords } from "../../../src/core/idle/duration-words.ts";
import { agentKey, ALL_AGENTS, planIdle } from "../../../src/core/idle/plan-idle.ts";
import type { LiveAgent, LiveState } from "../../../src/core/model.ts";
import {
  actions,
  agent,
  CAPABILITIES,
  changeAt,
  FLEET,
  host,
  hostError,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
} from "../plan/fixtures.ts";

const NOW = Date.parse("2025-01-02T03:00:00.000Z");
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** A live agent whose newest activity signal was `idleMs` before NOW. */
function idleAgent(
  name: string,
  idleMs: number,
  options: { timeout?: number | null; host?: string; state?: LiveAgent["state"] } & Partial<
    Pick<LiveAgent, "attached" | "fleet">
  > = {},
): LiveAgent {
  const spec = agent(name, {
    idleTimeout: options.timeout === undefined ? 3 * MINUTE : options.timeout,
    host: options.host ?? "local",
  });
  const base = liveAgent(spec, {
    ...(options.state ? { state: options.state } : {}),
    ...(options.fleet !== undefined ? { fleet: options.fleet } : {}),
  });
  return { ...base, lastActivity: NOW - idleMs, attached: options.attached ?? false };
}

const planOf = (state: LiveState, extra: Partial<Parameters<typeof planIdle>[1]> = {}) =>
  planIdle(state, { now: NOW, capabilities: CAPABILITIES, ...extra });

describe("planIdle: agents", () => {
  test("stops a running agent idle past its timeout, saying for how long", () => {
    const plan = planOf(live([idleAgent("a", 3 * MINUTE + 12 * SECOND)]));
    const change = changeAt(plan, "agents.a");
    assert.equal(change.action, "stop");
    assert.deepEqual(change.reasons, ["idle for 3m12s (timeout 3m)"]);
    assert.equal(plan.summary.stop, 1);
  });

  test("leaves an agent active within its timeout, saying when it was last active", () => {
    const change = changeAt(planOf(live([idleAgent("a", 2 * MINUTE)])), "agents.a");
    assert.equal(change.action, "noop");
    assert.deepEqual(change.reasons, ["last active 2m ago (timeout 3m)"]);
  });

  test("an agent idle exactly its timeout is stopped", () => {
    assert.equal(changeAt(planOf(live([idleAgent("a", 3 * MINUTE)])), "agents.a").action, "stop");
  });

  test("never stops an agent with idle shutdown disabled", () => {
    const change = changeAt(
      planOf(live([idleAgent("a", 48 * 60 * MINUTE, { timeout: null })])),
      "agents.a",
    );
    assert.equal(change.action, "noop");
    assert.deepEqual(change.reasons, ["idle shutdown is disabled"]);
  });

  test("an attached agent is not idle, however old its last signal", () => {
    const change = changeAt(
      planOf(live([idleAgent("a", 60 * MINUTE, { attached: true })])),
      "agents.a",
    );
    assert.equal(change.action, "noop");
    assert.deepEqual(change.reasons, ["a user is attached"]);
  });

  test("a WAITING agent is stopped like a RUNNING one", () => {
    const plan = planOf(live([idleAgent("a", 10 * MINUTE, { state: "WAITING" })]));
    assert.equal(changeAt(plan, "agents.a").action, "stop");
  });

  test("stopped, done and missing agents on an unmanaged host are left out", () => {
    const plan = planOf(
      live([
        idleAgent("s", 10 * MINUTE, { state: "STOPPED" }),
        idleAgent("d", 10 * MINUTE, { state: "DONE" }),
        idleAgent("m", 10 * MINUTE, { state: "MISSING" }),
      ]),
    );
    assert.deepEqual(plan.changes, []);
  });

  test("an agent with no activity signal at all is not stopped", () => {
    const { lastActivity: _dropped, ...noSignal } = idleAgent("a", 10 * MINUTE);
    assert.equal(changeAt(planOf(live([noSignal])), "agents.a").action, "noop");
  });

  test("a stop carries the live spec pinned to the agent's host, for apply to act on", () => {
    const change = changeAt(planOf(live([idleAgent("a", 10 * MINUTE)])), "agents.a");
    assert.equal(change.host, "local");
    assert.equal((change.before as { host: string }).host, "local");
    assert.deepEqual(change.before, change.after);
  });

  test("a clock ahead on the host does not make a negative idle time", () => {
    const change = changeAt(planOf(live([idleAgent("a", -5 * SECOND)])), "agents.a");
    assert.deepEqual(change.reasons, ["last active 0s ago (timeout 3m)"]);
  });

  test("names on several hosts are addressed NAME@HOST", () => {
    const box = { ...LOCAL_LIVE, name: "box", provider: "ssh" };
    const a1 = idleAgent("a", 10 * MINUTE);
    const a2 = { ...idleAgent("a", 10 * MINUTE, { host: "box" }), provider: "ssh" };
    const plan = planOf(live([a1, a2], [LOCAL_LIVE, box]));
    assert.deepEqual(actions(plan), { "agents.a@box": "stop", "agents.a@local": "stop" });
  });

  test("agents on a host that could not be read are not planned, and the error is kept", () => {
    const plan = planOf(
      live([idleAgent("a", 10 * MINUTE, { host: "box" })], [], [hostError("box")]),
    );
    assert.deepEqual(plan.changes, []);
    assert.equal(plan.hostErrors[0]?.host, "box");
  });
});

describe("planIdle: timeouts and scope", () => {
  test("without a fleet file every agent counts, each by its recorded timeout", () => {
    const plan = planOf(
      live([
        idleAgent("mine", 5 * SECOND, { timeout: 3 * SECOND }),
        idleAgent("adhoc", 5 * SECOND, { timeout: 3 * SECOND, fleet: null }),
        idleAgent("other", 5 * SECOND, { timeout: 10 * SECOND, fleet: "other" }),
      ]),
    );
    assert.equal(plan.fleet, ALL_AGENTS);
    assert.deepEqual(actions(plan), {
      "agents.adhoc": "stop",
      "agents.mine": "stop",
      "agents.other": "noop",
    });
  });

  test("with a fleet, only its agents are considered", () => {
    const plan = planOf(
      live([
        idleAgent("mine", 10 * MINUTE),
        idleAgent("adhoc", 10 * MINUTE, { fleet: null }),
        idleAgent("theirs", 10 * MINUTE, { fleet: "other" }),
      ]),
      { fleet: FLEET },
    );
    assert.deepEqual(actions(plan), { "agents.mine": "stop" });
    assert.equal(plan.fleet, FLEET);
  });

  test("a fleet file's timeout overrides the recorded one", () => {
    const state = live([
      idleAgent("short", 5 * SECOND, { timeout: 60 * MINUTE }),
      idleAgent("long", 5 * MINUTE, { timeout: 3 * SECOND }),
      idleAgent("off", 5 * MINUTE, { timeout: 3 * SECOND }),
    ]);
    const timeouts = new Map<string, number | null>([
      [agentKey("short", "local"), 3 * SECOND],
      [agentKey("long", "local"), 60 * MINUTE],
      [agentKey("off", "local"), null],
    ]);
    assert.deepEqual(actions(planOf(state, { fleet: FLEET, timeouts })), {
      "agents.long": "noop",
      "agents.off": "noop",
      "agents.short": "stop",
    });
  });

  test("an owned agent the file does not list falls back to its recorded timeout", () => {
    const plan = planOf(live([idleAgent("gone", 5 * SECOND, { timeout: 3 * SECOND })]), {
      fleet: FLEET,
      timeouts: new Map(),
    });
    assert.equal(changeAt(plan, "agents.gone").action, "stop");
  });
});

describe("planIdle: hosts", () => {
  const sandbox = host("sandbox");
  const onSandbox = (name: string, idleMs: number, state?: LiveAgent["state"]): LiveAgent => ({
    ...idleAgent(name, idleMs, { host: "sandbox", ...(state ? { state } : {}) }),
    provider: "docker",
  });

  test("stops a docker host after its agents, once none of them runs", () => {
    const plan = planOf(
      live(
        [onSandbox("a", 10 * MINUTE), onSandbox("b", 0, "STOPPED")],
        [LOCAL_LIVE, liveHost(sandbox)],
      ),
    );
    const hostStop = changeAt(plan, "hosts.sandbox");
    assert.equal(hostStop.action, "stop");
    assert.deepEqual(hostStop.dependsOn, ["agents.a"]);
    assert.deepEqual(hostStop.reasons, ["none of its agents runs once its idle agent is stopped"]);
    assert.equal(plan.changes[0]?.address, "hosts.sandbox", "hosts come first");
  });

  test("keeps a docker host up while one of its agents stays up", () => {
    const plan = planOf(
      live(
        [onSandbox("a", 10 * MINUTE), onSandbox("busy", SECOND)],
        [LOCAL_LIVE, liveHost(sandbox)],
      ),
    );
    assert.deepEqual(actions(plan), { "agents.a": "stop", "agents.busy": "noop" });
  });

  test("keeps a docker host up while an agent with idle shutdown disabled runs on it", () => {
    const disabled = {
      ...idleAgent("keep", 10 * MINUTE, { host: "sandbox", timeout: null }),
      provider: "docker",
    };
    const plan = planOf(live([disabled], [LOCAL_LIVE, liveHost(sandbox)]));
    assert.deepEqual(actions(plan), { "agents.keep": "noop" });
  });

  test("stops a running docker host whose agents are all stopped already", () => {
    const plan = planOf(live([onSandbox("a", 0, "STOPPED")], [LOCAL_LIVE, liveHost(sandbox)]));
    assert.deepEqual(actions(plan), { "hosts.sandbox": "stop" });
    assert.deepEqual(changeAt(plan, "hosts.sandbox").reasons, ["none of its agents runs"]);
  });

  test("a finished agent on a host being stopped is stopped too, so it stays stopped", () => {
    const plan = planOf(live([onSandbox("d", 0, "DONE")], [LOCAL_LIVE, liveHost(sandbox)]));
    assert.deepEqual(actions(plan), { "agents.d": "stop", "hosts.sandbox": "stop" });
    assert.deepEqual(changeAt(plan, "hosts.sandbox").dependsOn, ["agents.d"]);
  });

  test("a stopped host, or one whose provider cannot stop hosts, gets no change", () => {
    const stopped = liveHost(sandbox, { state: "stopped" });
    const box = { ...LOCAL_LIVE, name: "box", provider: "ssh" };
    assert.deepEqual(planOf(live([], [LOCAL_LIVE, stopped, box])).changes, []);
  });

  test("with a fleet, only hosts it owns are stopped", () => {
    const theirs = liveHost(host("theirs"), { fleet: "other" });
    const plan = planOf(live([], [LOCAL_LIVE, liveHost(sandbox), theirs]), { fleet: FLEET });
    assert.deepEqual(actions(plan), { "hosts.sandbox": "stop" });
  });

  test("an agent of another owner that stays up keeps a fleet's host running", () => {
    const foreign = { ...onSandbox("adhoc", 10 * MINUTE), fleet: null };
    const plan = planOf(live([foreign], [LOCAL_LIVE, liveHost(sandbox)]), { fleet: FLEET });
    assert.deepEqual(plan.changes, []);
  });
});

describe("durationWords", () => {
  test("says idle times compactly", () => {
    assert.equal(durationWords(192_000), "3m12s");
    assert.equal(durationWords(180_000), "3m");
    assert.equal(durationWords(3_900_000), "1h5m");
    assert.equal(durationWords(3_000), "3s");
    assert.equal(durationWords(3_999), "3s");
    assert.equal(durationWords(500), "500ms");
    assert.equal(durationWords(0), "0s");
  });
});
