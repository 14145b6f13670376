import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FleetEnv } from "../../../src/core/env.ts";
import { restrictPlan } from "../../../src/core/idle/reconcile.ts";
import { tryReconcileLock } from "../../../src/core/idle/reconcile-lock.ts";
import { planIdle } from "../../../src/core/idle/plan-idle.ts";
import {
  agent,
  CAPABILITIES,
  host,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
} from "../plan/fixtures.ts";

describe("the reconcile lock", () => {
  let env: FleetEnv;
  before(async () => {
    env = { home: await mkdtemp(join(tmpdir(), "fleet-reconcile-lock-")), prefix: "x-" };
  });
  after(() => rm(env.home, { recursive: true, force: true }));

  test("a second taker is told who holds it, and gets it once it is released", async () => {
    const first = await tryReconcileLock(env, { every: "1m" });
    assert.ok(first.held);
    const second = await tryReconcileLock(env, { every: null });
    assert.equal(second.held, false);
    assert.ok(!second.held);
    assert.equal(second.holder?.pid, process.pid);
    assert.equal(second.holder?.every, "1m");
    assert.ok(!Number.isNaN(Date.parse(second.holder?.since ?? "")));
    await first.release();
    const third = await tryReconcileLock(env, { every: null });
    assert.ok(third.held);
    await third.release();
  });
});

describe("restrictPlan", () => {
  test("keeps stops only on the given hosts, and drops dependencies on the others", () => {
    const sandbox = host("sandbox");
    const onSandbox = {
      ...liveAgent(agent("a", { host: "sandbox", idleTimeout: 1000 })),
      lastActivity: 0,
    };
    const local = { ...liveAgent(agent("b", { idleTimeout: 1000 })), lastActivity: 0 };
    const plan = planIdle(live([onSandbox, local], [LOCAL_LIVE, liveHost(sandbox)]), {
      now: 10_000,
      capabilities: CAPABILITIES,
    });
    assert.equal(plan.summary.stop, 3);
    const kept = restrictPlan(plan, new Set(["local"]));
    assert.deepEqual(
      kept.changes.map((c) => `${c.address}:${c.action}`),
      ["agents.b:stop"],
    );
    assert.equal(kept.summary.stop, 1);
  });
});
