/**
 * A Pulumi preview as a fleet Plan. Conflicts (an agent of that name owned by
 * someone else) and unreadable hosts come from the native planner run on the
 * same live state, which is pure; the changes are Pulumi's. The fingerprint is
 * of the changes themselves: a saved plan is stale when a fresh preview would
 * do something else.
 */
import type { DesiredState, LiveState } from "../../core/model.ts";
import { computePlan } from "../../core/plan/compute.ts";
import { missingSecrets } from "../../core/plan/secrets-check.ts";
import { summarize } from "../../core/plan/summary.ts";
import { PLAN_FORMAT_VERSION, type Change, type Plan } from "../../core/plan/types.ts";
import { specHash } from "../../core/spec-hash.ts";

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildPlan(
  desired: DesiredState,
  live: LiveState,
  steps: ReadonlyMap<string, Change>,
  env: NodeJS.ProcessEnv,
  destroying: boolean,
  now = new Date(),
): Plan {
  const changes = [...steps.values()].sort((a, b) =>
    a.kind !== b.kind ? (a.kind === "host" ? -1 : 1) : byText(a.address, b.address),
  );
  const native = computePlan(desired, live, { capabilities: {}, destroying, now });
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    fleet: desired.fleet,
    source: desired.source,
    createdAt: now.toISOString(),
    fingerprint: specHash(
      changes.map((c) => [c.address, c.action, c.fields.map((f) => [f.field, f.after])]),
    ),
    changes,
    conflicts: native.conflicts,
    hostErrors: native.hostErrors,
    summary: summarize(changes),
  };
  return { ...plan, missingSecrets: missingSecrets(plan, env) };
}
