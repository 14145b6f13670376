import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  deriveEvents,
  handoffEvent,
  stoppedEvent,
  type ObservedAgent,
} from "../../../src/core/notify/events.ts";

const agent = (over: Partial<ObservedAgent> = {}): ObservedAgent => ({
  name: "docs",
  host: "local",
  fleet: "team",
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: "2026-01-01T00:00:01.000Z",
  state: "RUNNING",
  ...over,
});
const waiting = (since: string, reason = "approval"): ObservedAgent =>
  agent({ state: "WAITING", waitingFor: reason, waitingSince: since });

describe("notification events from two observations", () => {
  test("without a previous observation nothing happened", () => {
    assert.deepEqual(deriveEvents(undefined, [waiting("2026-01-01T00:01:00.000Z")]), []);
  });

  test("going WAITING is one event with its reason, keyed by when the wait began", () => {
    const [event, ...rest] = deriveEvents([agent()], [waiting("2026-01-01T00:01:00.000Z")]);
    assert.equal(rest.length, 0);
    assert.equal(event?.type, "waiting");
    assert.equal(event?.waitingFor, "approval");
    assert.equal(event?.at, "2026-01-01T00:01:00.000Z");
  });

  test("the same wait seen again is no event; a new wait is a new key", () => {
    const first = waiting("2026-01-01T00:01:00.000Z");
    assert.deepEqual(deriveEvents([first], [first]), []);
    const second = waiting("2026-01-01T00:05:00.000Z");
    const [again] = deriveEvents([first], [second]);
    const [once] = deriveEvents([agent()], [first]);
    assert.notEqual(again?.key, once?.key);
  });

  test("two watchers derive the same key for the same wait", () => {
    const now1 = new Date("2026-01-01T00:02:00Z");
    const now2 = new Date("2026-01-01T00:03:00Z");
    const a = deriveEvents([agent()], [waiting("2026-01-01T00:01:00.000Z")], now1);
    const b = deriveEvents([], [waiting("2026-01-01T00:01:00.000Z")], now2);
    assert.equal(a[0]?.key, b[0]?.key);
  });

  test("DONE with exit 0 is finished; with another code, failed", () => {
    assert.equal(
      deriveEvents([agent()], [agent({ state: "DONE", exitCode: 0 })])[0]?.type,
      "finished",
    );
    const [failed] = deriveEvents([agent()], [agent({ state: "DONE", exitCode: 1 })]);
    assert.equal(failed?.type, "failed");
    assert.equal(failed?.exitCode, 1);
    assert.match(failed?.reason ?? "", /code 1/);
  });

  test("MISSING after running is failed; after DONE, or when first seen, nothing", () => {
    assert.equal(deriveEvents([agent()], [agent({ state: "MISSING" })])[0]?.type, "failed");
    assert.deepEqual(
      deriveEvents([agent({ state: "DONE", exitCode: 0 })], [agent({ state: "MISSING" })]),
      [],
    );
    assert.deepEqual(deriveEvents([], [agent({ state: "MISSING" })]), []);
  });

  test("stopping and starting are not observed events (reconcile reports its stops)", () => {
    assert.deepEqual(deriveEvents([agent()], [agent({ state: "STOPPED" })]), []);
    assert.deepEqual(deriveEvents([agent({ state: "STOPPED" })], [agent()]), []);
  });

  test("a new run of the agent can finish again; a re-made agent is another agent", () => {
    const done = agent({ state: "DONE", exitCode: 0 });
    const rerun = agent({ state: "DONE", exitCode: 0, startedAt: "2026-01-02T00:00:00.000Z" });
    assert.equal(deriveEvents([done], [rerun]).length, 1);
    const remade = agent({ createdAt: "2026-02-01T00:00:00.000Z", state: "DONE", exitCode: 0 });
    assert.notEqual(deriveEvents([], [remade])[0]?.key, deriveEvents([], [done])[0]?.key);
  });

  test("stops and handoffs have keys of their own", () => {
    const stop = stoppedEvent(agent(), "idle for 3 seconds");
    assert.equal(stop.type, "stopped");
    assert.equal(stop.key, stoppedEvent(agent(), "other words").key);
    const h1 = handoffEvent(agent(), { from: "a", to: "b" }, "2026-01-01T01:00:00.000Z");
    const h2 = handoffEvent(agent(), { from: "b", to: "c" }, "2026-01-01T02:00:00.000Z");
    assert.notEqual(h1.key, h2.key);
  });
});
