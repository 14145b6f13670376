/**
 * What `fleet reconcile` prints for one pass: the plan in `fleet plan`'s words
 * (stops only) and how it went, or each agent's standing when nothing is idle;
 * and the `--format json` document (docs/idle.md). Pure: the command prints.
 */
import type { Reconciled } from "../../core/idle/reconcile.ts";
import { ALL_AGENTS } from "../../core/idle/plan-idle.ts";
import { hasChanges } from "../../core/plan/summary.ts";
import type { Change, Plan } from "../../core/plan/types.ts";
import type { ChangeOutcome } from "../../engines/engine.ts";
import { renderPlanJson } from "./plan-json.ts";
import { renderPlanText } from "./plan-text.ts";
import { plural } from "./plural.ts";
import { safeRendered, safeText } from "../../core/text/safe-text.ts";

export function renderReconcileText(
  { plan, result }: Reconciled,
  options: { dryRun: boolean; color: boolean },
): string {
  if (!hasChanges(plan)) return idleReport(plan);
  const stops = { ...plan, changes: plan.changes.filter((c) => c.action !== "noop") };
  const lines = renderPlanText(stops, { color: options.color }).split("\n");
  // The plan renderer's first line names a fleet file and compares it with what runs.
  lines[0] = `Reconcile at ${plan.createdAt}: ${scopeWords(plan)}.`;
  return safeRendered([...lines, closingLine(options.dryRun, result?.outcomes)].join("\n"));
}

function scopeWords(plan: Plan): string {
  return plan.fleet === ALL_AGENTS
    ? "every agent on the hosts fleet knows"
    : `fleet "${safeText(plan.fleet)}" (${safeText(plan.source)})`;
}

/** Nothing to stop: say so, and how each running agent stands. */
function idleReport(plan: Plan): string {
  const checked = plan.changes.filter((c) => c.kind === "agent");
  const count = plural(checked.length, "running agent");
  const lines = [`Nothing to stop (${scopeWords(plan)}): ${count}, none idle past its timeout.`];
  for (const change of checked) {
    lines.push(`  ${safeText(change.address)}: ${safeText(change.reasons.join("; "))}`);
  }
  return lines.join("\n");
}

function closingLine(dryRun: boolean, outcomes: ChangeOutcome[] | undefined): string {
  if (dryRun) return "Dry run: nothing was stopped.";
  if (outcomes === undefined) return "Nothing was stopped: the hosts could not be locked.";
  const done = outcomes.filter((o) => o.status === "done");
  const count = (kind: string): number =>
    done.filter((o) => o.address.startsWith(`${kind}.`)).length;
  const parts = [
    ...(count("agents") > 0 ? [plural(count("agents"), "agent")] : []),
    ...(count("hosts") > 0 ? [plural(count("hosts"), "host")] : []),
  ];
  const words = parts.length > 0 ? parts.join(" and ") : "nothing";
  const failed = outcomes.filter((o) => o.status !== "done");
  if (failed.length === 0) return `Reconcile complete: stopped ${words}.`;
  const why = failed.map(
    (o) =>
      `  ${safeText(o.address)}: ${o.status}: ${safeText(o.error?.message ?? o.skippedBecause ?? o.status)}`,
  );
  return [`Reconcile finished with errors: stopped ${words}.`, ...why].join("\n");
}

interface StopJson {
  address: string;
  kind: Change["kind"];
  name: string;
  host: string;
  provider: string;
  reason: string;
  /** planned (dry run), done, failed, skipped or cancelled. */
  status: string;
  error?: unknown;
}

export function reconcileJson({ plan, result }: Reconciled, dryRun: boolean) {
  const outcomes = result?.outcomes;
  const byAddress = new Map((outcomes ?? []).map((o) => [o.address, o]));
  const stops: StopJson[] = plan.changes
    .filter((c) => c.action === "stop")
    .map((c) => {
      const outcome = byAddress.get(c.address);
      return {
        address: c.address,
        kind: c.kind,
        name: c.name,
        host: c.host,
        provider: c.provider,
        reason: c.reasons.join("; "),
        status: dryRun ? "planned" : (outcome?.status ?? "not-run"),
        ...(outcome?.error ? { error: outcome.error } : {}),
      };
    });
  const failed = stops.filter((s) => s.status !== "done" && s.status !== "planned");
  return {
    format_version: "1.0",
    fleet: plan.fleet === ALL_AGENTS ? null : plan.fleet,
    dryRun,
    checkedAt: plan.createdAt,
    ok: failed.length === 0 && plan.hostErrors.length === 0,
    stopped: stops.filter((s) => s.status === "done"),
    stops,
    plan: JSON.parse(renderPlanJson(plan)) as unknown,
  };
}
