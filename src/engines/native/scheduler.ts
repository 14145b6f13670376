/**
 * Runs tasks that depend on each other: each starts once all it depends on have
 * succeeded, at most `parallelism` at a time. A failure skips only its
 * dependents; an abort stops new starts and lets running tasks finish.
 */
export interface Task<R> {
  id: string;
  dependsOn: readonly string[];
  run(): Promise<R>;
}

export type TaskResult<R> =
  | { id: string; status: "done"; value: R }
  | { id: string; status: "failed"; error: unknown }
  | { id: string; status: "skipped"; because: string }
  | { id: string; status: "cancelled" };

export async function runTasks<R>(
  tasks: readonly Task<R>[],
  parallelism: number,
  signal?: AbortSignal,
): Promise<Map<string, TaskResult<R>>> {
  const results = new Map<string, TaskResult<R>>();
  const known = new Set(tasks.map((t) => t.id));
  const pending = [...tasks];
  const running = new Set<Promise<void>>();
  const limit = Math.max(1, parallelism);

  const settleBlocked = (): void => {
    // Anything depending on a failed, skipped or cancelled task cannot run.
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = pending.length - 1; i >= 0; i--) {
        const task = pending[i];
        if (!task) continue;
        const blocker = task.dependsOn.find((d) => {
          const r = results.get(d);
          return r !== undefined && r.status !== "done";
        });
        if (blocker !== undefined) {
          results.set(task.id, { id: task.id, status: "skipped", because: blocker });
          pending.splice(i, 1);
          changed = true;
        }
      }
    }
  };

  const ready = (task: Task<R>): boolean =>
    task.dependsOn.every((d) => !known.has(d) || results.get(d)?.status === "done");

  for (;;) {
    settleBlocked();
    if (signal?.aborted) {
      for (const task of pending) results.set(task.id, { id: task.id, status: "cancelled" });
      pending.length = 0;
    }
    while (running.size < limit && !signal?.aborted) {
      const index = pending.findIndex(ready);
      if (index < 0) break;
      const [task] = pending.splice(index, 1);
      if (!task) break;
      const promise: Promise<void> = task
        .run()
        .then(
          (value) => void results.set(task.id, { id: task.id, status: "done", value }),
          (error: unknown) => void results.set(task.id, { id: task.id, status: "failed", error }),
        )
        .finally(() => running.delete(promise));
      running.add(promise);
    }
    if (running.size === 0) {
      // Nothing runs and nothing can start: whatever is left waits on a cycle.
      for (const task of pending) {
        results.set(task.id, { id: task.id, status: "skipped", because: "dependency cycle" });
      }
      return results;
    }
    const aborted =
      signal && !signal.aborted
        ? new Promise<void>((resolve) =>
            signal.addEventListener("abort", () => resolve(), { once: true }),
          )
        : undefined;
    await Promise.race(aborted ? [...running, aborted] : [...running]);
  }
}
