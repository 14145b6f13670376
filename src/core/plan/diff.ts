/**
 * Structural field diffs between a live and a desired spec. Equality is by
 * canonical JSON, so key order never shows up as a change.
 */
import type { AgentSpec, HostSpec } from "../model.ts";
import { canonicalJson } from "../spec-hash.ts";
import type { FieldChange } from "./types.ts";

/** Agent fields that can be changed without restarting the agent. */
export const AGENT_UPDATE_FIELDS: readonly string[] = [
  "labels",
  "message",
  "idleTimeout",
  "template",
];

/**
 * The order fields are listed in. Fields not named here (added to the model
 * later) come after, sorted, and force replacement: the safe default.
 */
const AGENT_FIELD_ORDER: readonly string[] = [
  "agent",
  "command",
  "args",
  "env",
  "secrets",
  "workdir",
  "services",
  "host",
  "network",
  "resources",
  "snapshot",
  ...AGENT_UPDATE_FIELDS,
];

const SENSITIVE_FIELDS: ReadonlySet<string> = new Set(["secrets"]);

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function orderedKeys(before: object, after: object, order: readonly string[]): string[] {
  const all = new Set([...Object.keys(before), ...Object.keys(after)]);
  const known = order.filter((key) => all.has(key));
  const rest = [...all].filter((key) => !order.includes(key)).sort();
  return [...known, ...rest];
}

function fieldChange(field: string, before: unknown, after: unknown, forces: boolean): FieldChange {
  return {
    field,
    before,
    after,
    forcesReplacement: forces,
    sensitive: SENSITIVE_FIELDS.has(field),
  };
}

/** Differences between two agent specs, `name` excluded (it is the key). */
export function diffAgentSpecs(before: AgentSpec, after: AgentSpec): FieldChange[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const changes: FieldChange[] = [];
  for (const key of orderedKeys(b, a, AGENT_FIELD_ORDER)) {
    if (key === "name" || sameValue(b[key], a[key])) continue;
    changes.push(fieldChange(key, b[key], a[key], !AGENT_UPDATE_FIELDS.includes(key)));
  }
  return changes;
}

/**
 * Differences between two host specs. Provider fields (`config`) are listed one
 * key at a time as `config.KEY`; they and `resources` force replacement (the
 * container is made from them); `network` is applied in place.
 */
export function diffHostSpecs(before: HostSpec, after: HostSpec): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.provider !== after.provider) {
    changes.push(fieldChange("provider", before.provider, after.provider, true));
  }
  const bc = before.config;
  const ac = after.config;
  for (const key of orderedKeys(bc, ac, [])) {
    if (!sameValue(bc[key], ac[key])) {
      changes.push(fieldChange(`config.${key}`, bc[key], ac[key], true));
    }
  }
  if (!sameValue(before.resources, after.resources)) {
    changes.push(fieldChange("resources", before.resources, after.resources, true));
  }
  if (!sameValue(before.network, after.network)) {
    changes.push(fieldChange("network", before.network, after.network, false));
  }
  return changes;
}

/** "args changed (forces replacement)", "labels changed". */
export function describeField(change: FieldChange): string {
  return change.forcesReplacement
    ? `${change.field} changed (forces replacement)`
    : `${change.field} changed`;
}
