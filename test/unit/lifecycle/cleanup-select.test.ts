import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseCleanupCriteria,
  selectForCleanup,
} from "../../../src/core/cleanup/cleanup-select.ts";
import { isFleetError } from "../../../src/core/errors.ts";
import type { LiveAgent } from "../../../src/core/model.ts";
import { agent, liveAgent } from "../plan/fixtures.ts";

const HOUR = 3600_000;
const NOW = Date.parse("2025-01-10T00:00:00.000Z");

function made(
  name: string,
  options: { ageH: number; idleH: number } & Partial<LiveAgent>,
): LiveAgent {
  const { ageH, idleH, ...rest } = options;
  return {
    ...liveAgent(agent(name), { fleet: null }),
    createdAt: new Date(NOW - ageH * HOUR).toISOString(),
    lastActivity: NOW - idleH * HOUR,
    ...rest,
  };
}

const names = (agents: LiveAgent[], options: Parameters<typeof parseCleanupCriteria>[0]) =>
  selectForCleanup(agents, parseCleanupCriteria(options), NOW).map((c) => c.agent.name);

describe("which agents fleet cleanup picks", () => {
  const agents = [
    made("old-idle", { ageH: 24 * 8, idleH: 24 * 3 }),
    made("old-busy", { ageH: 24 * 8, idleH: 0 }),
    made("new-idle", { ageH: 24 * 3, idleH: 24 * 3 }),
    made("attached", { ageH: 24 * 8, idleH: 24 * 3, attached: true }),
    made("owned", { ageH: 24 * 8, idleH: 24 * 3, fleet: "payments" }),
    made("stopped", { ageH: 24 * 8, idleH: 24 * 3, state: "STOPPED" }),
  ];

  test("by idle time, age, or both; never a fleet file's agent or an attached one", () => {
    assert.deepEqual(names(agents, { idleFor: "2d" }), ["old-idle", "new-idle"]);
    assert.deepEqual(names(agents, { olderThan: "7d" }), ["old-idle", "old-busy", "attached"]);
    assert.deepEqual(names(agents, { olderThan: "7d", idleFor: "2d" }), ["old-idle"]);
  });

  test("stopping skips stopped agents; destroying takes them too", () => {
    assert.ok(!names(agents, { idleFor: "2d" }).includes("stopped"));
    assert.ok(names(agents, { idleFor: "2d", destroy: true }).includes("stopped"));
  });

  test("a restart is a sign of life; a stop is not", () => {
    const restarted = made("r", {
      ageH: 100,
      idleH: 100,
      startedAt: new Date(NOW - HOUR).toISOString(),
    });
    const stopped = made("s", {
      ageH: 100,
      idleH: 100,
      state: "STOPPED",
      stoppedAt: new Date(NOW - HOUR).toISOString(),
    });
    assert.deepEqual(names([restarted, stopped], { idleFor: "2d", destroy: true }), ["s"]);
  });

  test("label selectors narrow it", () => {
    const labelled = made("l", { ageH: 100, idleH: 100 });
    labelled.spec = { ...labelled.spec, labels: { role: "scratch" } };
    const other = made("o", { ageH: 100, idleH: 100 });
    assert.deepEqual(names([labelled, other], { idleFor: "1h", selector: ["role=scratch"] }), [
      "l",
    ]);
  });

  test("no limit, a bad duration, or --stop with --destroy is a usage error", () => {
    for (const options of [
      {},
      { idleFor: "soon" },
      { olderThan: "5" },
      { idleFor: "1h", stop: true, destroy: true },
    ]) {
      assert.throws(
        () => parseCleanupCriteria(options),
        (error) => isFleetError(error) && error.exitCode === 2,
        JSON.stringify(options),
      );
    }
  });
});
