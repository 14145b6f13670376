import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runTasks, type Task } from "../../../src/engines/native/scheduler.ts";

function task(
  id: string,
  dependsOn: string[],
  log: string[],
  work: () => Promise<void> = () => Promise.resolve(),
): Task<string> {
  return {
    id,
    dependsOn,
    async run() {
      log.push(`start ${id}`);
      await work();
      log.push(`end ${id}`);
      return id;
    },
  };
}

describe("runTasks", () => {
  test("a task starts only after everything it depends on is done", async () => {
    const log: string[] = [];
    const results = await runTasks(
      [task("agent", ["host"], log), task("host", [], log, () => sleep(20))],
      8,
    );
    assert.deepEqual(log, ["start host", "end host", "start agent", "end agent"]);
    assert.equal(results.get("agent")?.status, "done");
  });

  test("no more than `parallelism` tasks run at once", async () => {
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
    };
    const log: string[] = [];
    await runTasks(
      Array.from({ length: 9 }, (_, i) => task(`t${i}`, [], log, work)),
      3,
    );
    assert.equal(peak, 3);
    assert.equal(log.filter((l) => l.startsWith("end")).length, 9);
  });

  test("a failure skips its dependents but not unrelated tasks", async () => {
    const log: string[] = [];
    const results = await runTasks(
      [
        task("bad-host", [], log, () => Promise.reject(new Error("boom"))),
        task("agent-on-bad", ["bad-host"], log),
        task("other", [], log),
      ],
      1,
    );
    assert.equal(results.get("bad-host")?.status, "failed");
    assert.deepEqual(results.get("agent-on-bad"), {
      id: "agent-on-bad",
      status: "skipped",
      because: "bad-host",
    });
    assert.equal(results.get("other")?.status, "done");
    assert.ok(!log.includes("start agent-on-bad"));
  });

  test("an abort starts nothing new and lets running tasks finish", async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const slow = async () => {
      controller.abort();
      await sleep(20);
    };
    const results = await runTasks(
      [task("first", [], log, slow), task("second", [], log), task("third", [], log)],
      1,
      controller.signal,
    );
    assert.deepEqual(log, ["start first", "end first"]);
    assert.equal(results.get("first")?.status, "done");
    assert.equal(results.get("second")?.status, "cancelled");
    assert.equal(results.get("third")?.status, "cancelled");
  });

  test("tasks waiting on each other in a cycle are skipped, not hung", async () => {
    const log: string[] = [];
    const results = await runTasks([task("a", ["b"], log), task("b", ["a"], log)], 2);
    assert.equal(results.get("a")?.status, "skipped");
    assert.equal(results.get("b")?.status, "skipped");
    assert.deepEqual(log, []);
  });

  test("a dependency outside the task list does not block", async () => {
    const log: string[] = [];
    const results = await runTasks([task("a", ["not-planned"], log)], 2);
    assert.equal(results.get("a")?.status, "done");
  });
});
