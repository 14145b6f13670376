/**
 * The default engine: runs plan changes against providers directly, in
 * dependency order, independent changes in parallel.
 */
import { toFleetError } from "../../core/errors.ts";
import type { DesiredState } from "../../core/model.ts";
import type { SavedWork } from "../../core/host/index.ts";
import type { Change, Plan } from "../../core/plan/types.ts";
import type { ApplyOptions, ApplyResult, ChangeOutcome, Engine } from "../engine.ts";
import { executeChange } from "./execute-change.ts";
import { runTasks, type TaskResult } from "./scheduler.ts";

export const nativeEngine: Engine = {
  name: "native",
  async apply(plan: Plan, desired: DesiredState, options: ApplyOptions): Promise<ApplyResult> {
    const { ctx } = options;
    const actionable = plan.changes.filter((c) => c.action !== "noop");
    const started = new Map<string, number>();
    const saved = new Map<string, ChangeOutcome["saved"]>();
    const context = {
      fleet: desired.fleet,
      ctx,
      hosts: options.hosts,
      secrets: options.secrets,
    };
    const tasks = actionable.map((change) => ({
      id: change.address,
      dependsOn: change.dependsOn,
      run: async () => {
        started.set(change.address, Date.now());
        ctx.io.notify({
          level: "progress",
          code: "apply.change.start",
          message: `${change.address}: ${verbing(change.action)}...`,
          data: { address: change.address, action: change.action },
        });
        try {
          const work = await executeChange(change, context);
          saved.set(change.address, work);
          reportOutcome(
            outcomeOf(change, { id: change.address, status: "done", value: work }),
            ctx.io,
          );
          return work;
        } catch (error) {
          reportOutcome(outcomeOf(change, { id: change.address, status: "failed", error }), ctx.io);
          throw error;
        }
      },
    }));

    const results = await runTasks(tasks, options.parallelism, options.signal);
    const outcomes = actionable.map((change) => outcomeOf(change, results.get(change.address)));
    // Done and failed changes were reported as they finished; now those that never ran.
    for (const outcome of outcomes) {
      if (outcome.status === "skipped" || outcome.status === "cancelled") {
        reportOutcome(outcome, ctx.io);
      }
    }
    return { outcomes, ok: outcomes.every((o) => o.status === "done") };

    function outcomeOf(change: Change, result: TaskResult<SavedWork[]> | undefined): ChangeOutcome {
      const durationMs = Date.now() - (started.get(change.address) ?? Date.now());
      const base = {
        address: change.address,
        action: change.action,
        durationMs,
        saved: saved.get(change.address) ?? [],
      };
      if (!result || result.status === "cancelled") {
        return { ...base, status: "cancelled", skippedBecause: "interrupted" };
      }
      if (result.status === "skipped") {
        return { ...base, status: "skipped", skippedBecause: `${result.because} did not complete` };
      }
      if (result.status === "failed") {
        return { ...base, status: "failed", error: toFleetError(result.error).toJSON() };
      }
      return { ...base, status: "done" };
    }
  },
};

function reportOutcome(outcome: ChangeOutcome, io: ApplyOptions["ctx"]["io"]): void {
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const data = { ...outcome } as unknown as Record<string, unknown>;
  switch (outcome.status) {
    case "done":
      io.notify({
        level: "info",
        code: "apply.change.done",
        message: `${outcome.address}: ${pastTense(outcome.action)} (${seconds}s)`,
        data,
      });
      // The closing summary lists each save once; this is for library callers and --debug.
      for (const work of outcome.saved) {
        io.notify({
          level: "debug",
          code: "apply.work.saved",
          message: `${outcome.address}: saved work (${work.kind}) at ${work.location}: ${work.description}`,
          data: { address: outcome.address, ...work },
        });
      }
      return;
    case "failed":
      io.notify({
        level: "error",
        code: "apply.change.failed",
        message: `${outcome.address}: ${outcome.action} failed: ${outcome.error?.message ?? "unknown error"}`,
        data,
      });
      return;
    case "skipped":
    case "cancelled":
      io.notify({
        level: "warn",
        code: `apply.change.${outcome.status}`,
        message: `${outcome.address}: ${outcome.status} (${outcome.skippedBecause ?? ""})`,
        data,
      });
  }
}

const verbs: Record<string, [string, string]> = {
  create: ["creating", "created"],
  update: ["updating", "updated"],
  replace: ["replacing", "replaced"],
  delete: ["destroying", "destroyed"],
  start: ["starting", "started"],
  stop: ["stopping", "stopped"],
  noop: ["checking", "unchanged"],
};
const verbing = (action: string): string => verbs[action]?.[0] ?? action;
const pastTense = (action: string): string => verbs[action]?.[1] ?? action;
