import type { Change, Plan, PlanSummary } from "./types.ts";

/** Counts as Terraform does: a replace is one to add and one to destroy. */
export function summarize(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0, start: 0, stop: 0, noop: 0 };
  for (const change of changes) {
    switch (change.action) {
      case "create":
        summary.add += 1;
        break;
      case "replace":
        summary.add += 1;
        summary.destroy += 1;
        break;
      case "update":
        summary.change += 1;
        break;
      case "delete":
        summary.destroy += 1;
        break;
      case "start":
        summary.start += 1;
        break;
      case "stop":
        summary.stop += 1;
        break;
      case "noop":
        summary.noop += 1;
        break;
    }
  }
  return summary;
}

/** True when applying the plan would do anything. */
export function hasChanges(plan: Pick<Plan, "changes">): boolean {
  return plan.changes.some((change) => change.action !== "noop");
}
