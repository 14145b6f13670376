/**
 * A plan as text for a terminal, in Terraform's vocabulary. The last line is
 * always the summary (`Plan: 1 to add, 0 to change, 0 to destroy.`) or
 * `No changes. Your fleet matches the configuration.`
 */
import {
  ACTION_LEGEND,
  ACTION_ORDER,
  ACTION_SYMBOLS,
  changeHeadline,
  changeSubject,
  extraReasons,
  formatFieldChange,
  isCleanNoop,
  missingSecretWords,
  NO_CHANGES,
  sanitize,
  specFields,
  summaryCounts,
} from "../../core/plan/describe.ts";
import type { Change, Plan, PlanAction } from "../../core/plan/types.ts";
import type { ColorStyle, Painter } from "./color.ts";
import { restartWords } from "./service-words.ts";
import { painter } from "./color.ts";
import { safeRendered, safeText } from "../../core/text/safe-text.ts";

export interface PlanTextOptions {
  color: boolean;
}

const ACTION_COLORS: Record<PlanAction, ColorStyle> = {
  create: "green",
  update: "yellow",
  replace: "red",
  delete: "red",
  start: "cyan",
  stop: "magenta",
  noop: "dim",
};

/** The symbol right-aligned in a 3-wide column, as Terraform does (`  +`, `-/+`). */
function symbol(action: PlanAction, paint: Painter): string {
  const raw = ACTION_SYMBOLS[action].padStart(3);
  if (action === "replace") return `${paint("red", "-")}/${paint("green", "+")}`;
  return paint(ACTION_COLORS[action], raw);
}

function legend(actions: ReadonlySet<PlanAction>, paint: Painter): string[] {
  const lines = ["Actions are shown with these symbols:"];
  for (const action of ACTION_ORDER) {
    if (action === "noop" || !actions.has(action)) continue;
    lines.push(`${symbol(action, paint)} ${ACTION_LEGEND[action]}`);
  }
  return lines;
}

function changeBlock(change: Change, paint: Painter): string[] {
  const lines = [paint("bold", `  # ${changeHeadline(change)}`)];
  for (const reason of extraReasons(change)) lines.push(paint("dim", `  #   ${sanitize(reason)}`));
  lines.push(`${symbol(change.action, paint)} ${changeSubject(change)}`);

  if (change.action === "create" && change.fields.length === 0 && change.after !== null) {
    for (const { field, value } of specFields(change.after)) {
      lines.push(`      ${paint("green", "+")} ${safeText(field)}: ${value}`);
    }
  } else {
    for (const field of change.fields) {
      const forces = field.forcesReplacement ? paint("red", " # forces replacement") : "";
      lines.push(`      ${paint("yellow", "~")} ${formatFieldChange(field)}${forces}`);
    }
  }
  for (const restart of change.restarts ?? []) {
    lines.push(`      ${paint("yellow", "~")} ${restartWords(restart)}`);
  }
  return lines;
}

function hostErrorLines(plan: Plan, paint: Painter): string[] {
  const lines: string[] = [];
  for (const error of plan.hostErrors) {
    const hint = error.error.hint === undefined ? "" : ` (${sanitize(error.error.hint)})`;
    lines.push(
      `${paint("red", "Error:")} could not read host ${safeText(error.host)} (${safeText(error.provider)}): ` +
        `${sanitize(error.error.message)}${hint}`,
    );
    if (error.unplanned.length > 0)
      lines.push(`  not planned: ${error.unplanned.map(safeText).join(", ")}`);
  }
  return lines;
}

function secretLines(plan: Plan, paint: Painter): string[] {
  const missing = plan.missingSecrets ?? [];
  if (missing.length === 0) return [];
  return [
    `${paint("red", "Error:")} secrets not set in the environment (apply will refuse to start):`,
    ...missing.map((entry) => `  ${sanitize(missingSecretWords(entry))}`),
  ];
}

function conflictLines(plan: Plan, paint: Painter): string[] {
  if (plan.conflicts.length === 0) return [];
  const lines = [`${paint("red", "Conflicts")} (these were not planned):`];
  for (const conflict of plan.conflicts) {
    lines.push(`  ${safeText(conflict.address)}: ${sanitize(conflict.message)}`);
  }
  return lines;
}

/** Unchanged objects with something worth saying, e.g. "stopped; `fleet start` resumes it". */
function noteLines(changes: readonly Change[]): string[] {
  const noted = changes.filter((c) => c.action === "noop" && c.reasons.length > 0);
  if (noted.length === 0) return [];
  const lines = ["Left as they are:"];
  for (const change of noted) {
    lines.push(`  ${safeText(change.address)}: ${safeText(change.reasons.join("; "))}`);
  }
  return lines;
}

export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  const paint = painter(options.color);
  const actionable = plan.changes.filter((change) => change.action !== "noop");
  const sections: string[][] = [];

  sections.push([
    `Fleet "${safeText(plan.fleet)}" (${safeText(plan.source)}) compared with what is running.`,
  ]);
  const problems = [
    ...hostErrorLines(plan, paint),
    ...conflictLines(plan, paint),
    ...secretLines(plan, paint),
  ];
  if (problems.length > 0) sections.push(problems);

  if (actionable.length > 0) {
    sections.push(legend(new Set(actionable.map((change) => change.action)), paint));
    const blocks = actionable.map((change) => changeBlock(change, paint).join("\n"));
    sections.push(["Fleet will perform the following actions:", "", blocks.join("\n\n")]);
  }
  const notes = noteLines(plan.changes);
  if (notes.length > 0) sections.push(notes);

  const last = isCleanNoop(plan)
    ? paint("green", NO_CHANGES)
    : `${paint("bold", "Plan:")} ${summaryCounts(plan)}`;
  sections.push([last]);
  // Every piece above is escaped where it is put in; this pass makes sure nothing slipped by.
  return safeRendered(sections.map((lines) => lines.join("\n")).join("\n\n"));
}
