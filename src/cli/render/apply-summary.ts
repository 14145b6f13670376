import type { AppliedFleet } from "../../core/apply/apply-fleet.ts";
import type { SavedWork } from "../../core/host/saved-work.ts";
import { safeText } from "../../core/text/safe-text.ts";

/** `apply` or `destroy`: the closing lines say which one ran. */
export type SummaryVerb = "Apply" | "Destroy";

/** The closing lines of an apply or a destroy, in Terraform's words. */
export function renderApplySummary(applied: AppliedFleet, verb: SummaryVerb = "Apply"): string {
  if (applied.declined) return `${verb} cancelled; nothing was changed.`;
  if (!applied.result) {
    if (applied.plan.hostErrors.length > 0) return "No changes on the hosts that could be read.";
    return verb === "Destroy"
      ? `Nothing to destroy: fleet "${applied.desired.fleet}" owns nothing that runs.`
      : "No changes. Your fleet matches the configuration.";
  }
  const count = (actions: string[]) =>
    applied.result?.outcomes.filter((o) => o.status === "done" && actions.includes(o.action))
      .length ?? 0;
  const added = count(["create", "replace"]);
  const changed = count(["update", "start", "stop"]);
  const destroyed = count(["delete", "replace"]);
  const failed = applied.result.outcomes.filter((o) => o.status !== "done");
  const lines: string[] = [];
  for (const outcome of applied.result.outcomes) {
    for (const line of savedWorkLines(outcome.address, outcome.saved)) lines.push(line);
  }
  const summary = `${added} added, ${changed} changed, ${destroyed} destroyed`;
  if (failed.length === 0) {
    lines.push(`${verb} complete! Resources: ${summary}.`);
  } else {
    lines.push(`${verb} finished with errors. Resources: ${summary}.`);
    for (const outcome of failed) {
      const why = outcome.error?.message ?? outcome.skippedBecause ?? outcome.status;
      lines.push(`  ${safeText(outcome.address)}: ${outcome.status}: ${safeText(why)}`);
    }
    lines.push(`Run \`fleet ${verb.toLowerCase()}\` again to converge once the cause is fixed.`);
  }
  return lines.join("\n");
}

/**
 * An apply as a client that asked for it is told (the MCP `apply` tool, fleet ui):
 * whether all of it went, and the summary with the hosts that could not be read.
 */
export function applyReport(applied: AppliedFleet): { ok: boolean; text: string } {
  const ok = (applied.result?.ok ?? true) && applied.plan.hostErrors.length === 0;
  const hostLines = applied.plan.hostErrors.map((e) =>
    safeText(`host ${e.host} (${e.provider}) could not be read: ${e.error.message}`),
  );
  return { ok, text: [renderApplySummary(applied), ...hostLines].join("\n") };
}

/** One notice per piece of saved work: what it is, where it is, how to get it back. */
export function savedWorkLines(what: string, saved: readonly SavedWork[]): string[] {
  return saved.flatMap((work) => [
    `Saved work of ${safeText(what)} (${work.kind}): ${safeText(work.location)}`,
    `  ${safeText(work.description)}`,
  ]);
}
