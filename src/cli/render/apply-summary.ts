import type { AppliedFleet } from "../../core/apply/apply-fleet.ts";
import { safeText } from "../../core/text/safe-text.ts";

/** The closing lines of an apply, in Terraform's words. */
export function renderApplySummary(applied: AppliedFleet): string {
  if (applied.declined) return "Apply cancelled; nothing was changed.";
  if (!applied.result) {
    return applied.plan.hostErrors.length > 0
      ? "No changes on the hosts that could be read."
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
    for (const work of outcome.saved) {
      lines.push(
        `Saved work of ${safeText(outcome.address)} (${work.kind}): ${safeText(work.location)}`,
      );
      lines.push(`  ${safeText(work.description)}`);
    }
  }
  const summary = `${added} added, ${changed} changed, ${destroyed} destroyed`;
  if (failed.length === 0) {
    lines.push(`Apply complete! Resources: ${summary}.`);
  } else {
    lines.push(`Apply finished with errors. Resources: ${summary}.`);
    for (const outcome of failed) {
      const why = outcome.error?.message ?? outcome.skippedBecause ?? outcome.status;
      lines.push(`  ${safeText(outcome.address)}: ${outcome.status}: ${safeText(why)}`);
    }
    lines.push("Run `fleet apply` again to converge once the cause is fixed.");
  }
  return lines.join("\n");
}
