/**
 * Words and symbols for plans, shared by the text and Markdown renderers so
 * both say the same thing. Pure string helpers; nothing here prints.
 */
import type { AgentSpec, HostSpec } from "../model.ts";
import { describeField } from "./diff.ts";
import { hasChanges } from "./summary.ts";
import type { Change, FieldChange, Plan, PlanAction } from "./types.ts";
import { formatDuration } from "../config/units.ts";
import { safeText } from "../text/safe-text.ts";

/** Terraform's symbols, plus `>` and `<` for start and stop. */
export const ACTION_SYMBOLS: Record<PlanAction, string> = {
  create: "+",
  update: "~",
  replace: "-/+",
  delete: "-",
  start: ">",
  stop: "<",
  noop: " ",
};

export const ACTION_LEGEND: Record<PlanAction, string> = {
  create: "create",
  update: "update in-place",
  replace: "destroy and then create replacement",
  delete: "destroy",
  start: "start",
  stop: "stop",
  noop: "no change",
};

/** One word per action, for tables. */
export const ACTION_WORDS: Record<PlanAction, string> = {
  create: "create",
  update: "update",
  replace: "replace",
  delete: "destroy",
  start: "start",
  stop: "stop",
  noop: "none",
};

const HEADER_PHRASES: Record<PlanAction, string> = {
  create: "will be created",
  update: "will be updated in-place",
  replace: "must be replaced",
  delete: "will be destroyed",
  start: "will be started",
  stop: "will be stopped",
  noop: "is unchanged",
};

/** Display order of the legend and of the action-grouped tables. */
export const ACTION_ORDER: readonly PlanAction[] = [
  "create",
  "update",
  "replace",
  "delete",
  "start",
  "stop",
  "noop",
];

export const SENSITIVE = "(sensitive)";

/** `agents.foo will be created` */
export function changeHeadline(change: Change): string {
  return `${safeText(change.address)} ${HEADER_PHRASES[change.action]}`;
}

/**
 * The reasons not already said by the change's field lines (`args changed
 * (forces replacement)` is plain from `~ args: ... # forces replacement`).
 */
export function extraReasons(change: Change): string[] {
  const said = new Set(change.fields.map(describeField));
  return change.reasons.filter((reason) => !said.has(reason));
}

/** `agent "foo" on laptop (claude)` / `host "sandbox" (docker)` */
export function changeSubject(change: Change): string {
  if (change.kind === "host") {
    return `host "${safeText(change.name)}" (${safeText(change.provider)})`;
  }
  const spec = (change.after ?? change.before) as AgentSpec | null;
  const type = spec === null ? "" : ` (${safeText(spec.agent)})`;
  return `agent "${safeText(change.name)}" on ${safeText(change.host)}${type}`;
}

/**
 * Text that came from a fleet file or a remote host, on one line, with every
 * control and bidi character shown as a visible escape (see safe-text.ts).
 */
export const sanitize = safeText;

/** One value as the renderers show it: JSON (which escapes control characters). */
export function formatValue(field: string, value: unknown, sensitive = false): string {
  if (sensitive) return SENSITIVE;
  if (value === undefined) return "(not set)";
  if (field === "idleTimeout" && typeof value === "number") return formatDuration(value);
  // JSON escapes C0 controls but leaves C1 and bidi controls raw.
  return safeText(JSON.stringify(value));
}

/** `args: ["a"] -> ["b"]` */
export function formatFieldChange(change: FieldChange): string {
  const before = formatValue(change.field, change.before, change.sensitive);
  const after = formatValue(change.field, change.after, change.sensitive);
  return `${safeText(change.field)}: ${before} -> ${after}`;
}

const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(["secrets"]);

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/**
 * The fields worth showing for a whole spec (a create or a destroy): every set,
 * non-empty field but the name. Host provider fields come out as `config.KEY`.
 */
export function specFields(spec: AgentSpec | HostSpec): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (key === "name" || isEmpty(value)) continue;
    if (key === "config" && typeof value === "object" && value !== null) {
      for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
        if (!isEmpty(subValue)) {
          out.push({ field: `config.${sub}`, value: formatValue(sub, subValue) });
        }
      }
      continue;
    }
    out.push({ field: key, value: formatValue(key, value, SENSITIVE_FIELDS.has(key)) });
  }
  return out;
}

/** `Plan: 2 to add, 1 to change, 0 to destroy.` (start/stop only when non-zero). */
export function summaryCounts(plan: Plan): string {
  const { add, change, destroy, start, stop } = plan.summary;
  let text = `${add} to add, ${change} to change, ${destroy} to destroy`;
  if (start > 0) text += `, ${start} to start`;
  if (stop > 0) text += `, ${stop} to stop`;
  return `${text}.`;
}

/** True when the plan has nothing to do and nothing got in the way of planning. */
export function isCleanNoop(plan: Plan): boolean {
  return (
    !hasChanges(plan) &&
    plan.hostErrors.length === 0 &&
    plan.conflicts.length === 0 &&
    (plan.missingSecrets ?? []).length === 0
  );
}

/** `agents.api needs $API_KEY, $DB_URL` (names only). */
export function missingSecretWords(entry: { address: string; secrets: string[] }): string {
  return `${entry.address} needs ${entry.secrets.map((name) => `$${name}`).join(", ")}`;
}

export const NO_CHANGES = "No changes. Your fleet matches the configuration.";
