/**
 * A plan as Markdown for a pull-request comment: the summary line first, a
 * table of changes, then each change's details in a collapsed `<details>`.
 * Stays under `maxChars` (GitHub rejects comments over 65536 characters) by
 * leaving out details, then table rows, and saying how many were left out.
 */
import { basename } from "node:path";
import {
  ACTION_SYMBOLS,
  ACTION_WORDS,
  changeHeadline,
  changeSubject,
  extraReasons,
  formatValue,
  isCleanNoop,
  sanitize,
  specFields,
  summaryCounts,
} from "../../core/plan/describe.ts";
import type { Change, Plan } from "../../core/plan/types.ts";
import { restartWords } from "./service-words.ts";
import { plural } from "./plural.ts";

export interface PlanMarkdownOptions {
  /** Upper bound on the length of the result. Default 65000. */
  maxChars?: number;
}

const DEFAULT_MAX_CHARS = 65000;
/** Room kept for the notes that say what was left out. */
const NOTES_RESERVE = 400;

/**
 * Text safe inside a table cell, a list item or HTML: one line, no markup. HTML
 * is entity-escaped (`<!--`, `<details>`, `<img>`), and every character
 * Markdown could read as syntax (pipes, backticks, emphasis, links and images,
 * a leading `#`, `-` or `>`) is backslash-escaped, so a name or a label cannot
 * end the table or the comment or pass for fleet's own lines.
 */
export function escapeInline(text: string): string {
  return sanitize(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]!|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-])/, "$1\\$2");
}

/**
 * A code span that holds `text` whatever backticks it contains. Pipes are
 * escaped even there: GitHub splits table cells at a pipe inside a code span.
 */
function code(text: string): string {
  const safe = sanitize(text).replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  const pad = safe.startsWith("`") || safe.endsWith("`") ? " " : "";
  return `${ticks}${pad}${safe}${pad}${ticks}`;
}

function fence(body: string, info: string): string {
  const longest = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${info}\n${body}\n${ticks}`;
}

function summaryLine(plan: Plan): string {
  const where = `${code(plan.fleet)} (${code(basename(plan.source))})`;
  if (isCleanNoop(plan)) return `**Plan:** No changes. Fleet ${where} matches the configuration.`;
  return `**Plan:** ${summaryCounts(plan)} Fleet ${where}.`;
}

function problemLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const error of plan.hostErrors) {
    const unplanned =
      error.unplanned.length > 0 ? ` Not planned: ${error.unplanned.map(code).join(", ")}.` : "";
    lines.push(
      `- :warning: Could not read host ${code(error.host)} (${escapeInline(error.provider)}): ` +
        `${escapeInline(error.error.message.replace(/\.$/, ""))}.${unplanned}`,
    );
  }
  for (const entry of plan.missingSecrets ?? []) {
    const names = entry.secrets.map((name) => code(`$${name}`)).join(", ");
    lines.push(`- :x: Secrets not set, apply will refuse: ${code(entry.address)} needs ${names}`);
  }
  for (const conflict of plan.conflicts) {
    lines.push(
      `- :x: Conflict, not planned: ${code(conflict.address)}: ${escapeInline(conflict.message)}`,
    );
  }
  return lines;
}

const TABLE_HEAD = "| | Address | Action | Host | Why |\n| --- | --- | --- | --- | --- |";

function tableRow(change: Change): string {
  const why = change.reasons.length > 0 ? escapeInline(change.reasons.join("; ")) : "";
  const symbol = code(ACTION_SYMBOLS[change.action]);
  return `| ${symbol} | ${code(change.address)} | ${ACTION_WORDS[change.action]} | ${escapeInline(change.host)} | ${why} |`;
}

/** Diff lines: `+`/`-` so GitHub colours them, `#` for comments. */
function diffBody(change: Change): string {
  const lines = [`# ${changeSubject(change)}`];
  for (const reason of extraReasons(change)) lines.push(`# ${sanitize(reason)}`);
  if (change.action === "create" && change.fields.length === 0 && change.after !== null) {
    for (const { field, value } of specFields(change.after)) lines.push(`+ ${field}: ${value}`);
  } else if (change.action === "delete" && change.before !== null) {
    for (const { field, value } of specFields(change.before)) lines.push(`- ${field}: ${value}`);
  } else {
    for (const field of change.fields) {
      const before = formatValue(field.field, field.before, field.sensitive);
      const after = formatValue(field.field, field.after, field.sensitive);
      const forces = field.forcesReplacement ? "  # forces replacement" : "";
      lines.push(`- ${field.field}: ${before}`, `+ ${field.field}: ${after}${forces}`);
    }
  }
  for (const restart of change.restarts ?? []) lines.push(`+ ${restartWords(restart)}`);
  return lines.join("\n");
}

function detailsBlock(change: Change): string {
  const summary = `<code>${escapeInline(change.address)}</code> ${escapeInline(
    changeHeadline(change).slice(change.address.length + 1),
  )}`;
  return `<details><summary>${summary}</summary>\n\n${fence(diffBody(change), "diff")}\n\n</details>`;
}

/** Adds pieces while they fit in `budget`; returns what fit and how many did not. */
function fit(
  pieces: readonly string[],
  budget: number,
  separator = 1,
): { kept: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const piece of pieces) {
    const cost = piece.length + separator;
    if (used + cost > budget) break;
    kept.push(piece);
    used += cost;
  }
  return { kept, omitted: pieces.length - kept.length };
}

export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const head = summaryLine(plan);
  const actionable = plan.changes.filter((change) => change.action !== "noop");
  let budget = maxChars - head.length - NOTES_RESERVE;
  const sections: string[] = [head];
  const notes: string[] = [];

  const problems = fit(problemLines(plan), budget);
  if (problems.kept.length > 0) {
    sections.push(problems.kept.join("\n"));
    budget -= problems.kept.join("\n").length + 2;
  }
  if (problems.omitted > 0) notes.push(`${problems.omitted} more problems not shown.`);

  if (actionable.length > 0) {
    const rows = fit(actionable.map(tableRow), budget - TABLE_HEAD.length - 2);
    if (rows.kept.length > 0) {
      const table = [TABLE_HEAD, ...rows.kept].join("\n");
      sections.push(table);
      budget -= table.length + 2;
    }
    if (rows.omitted > 0) notes.push(`${plural(rows.omitted, "more change")} not listed.`);

    const details = fit(actionable.map(detailsBlock), budget, 2);
    if (details.kept.length > 0) sections.push(details.kept.join("\n\n"));
    if (details.omitted > 0)
      notes.push(`Details of ${plural(details.omitted, "change")} left out.`);
  }

  const unchanged = plan.summary.noop;
  if (unchanged > 0) notes.push(`${unchanged} unchanged.`);
  if (notes.length > 0) {
    const more = notes.some((note) => note.includes("not") || note.includes("left out"))
      ? " Run `fleet plan` for the full plan."
      : "";
    sections.push(`_${notes.join(" ")}${more}_`);
  }
  const text = sections.join("\n\n");
  // Only a maxChars smaller than the summary line itself can get here.
  return text.length <= maxChars ? text : text.slice(0, Math.max(maxChars, head.length));
}
