/**
 * Agent settings as layers (defaults < template chain < agent) and how they
 * merge: the more specific layer wins field by field; env, labels, resources,
 * workdir and notify merge by key (notify's lists, `on` and `webhooks`, are
 * replaced whole, like args and services). Each field remembers the path it came from so a problem
 * found after merging points at the line that set it.
 */
import type { TemplateConfig } from "./schema.ts";
import type { ConfigPath } from "./problems.ts";

export type AgentFields = Omit<TemplateConfig, "extends">;
export type FieldName = keyof AgentFields;

export interface Layer {
  fields: AgentFields;
  /** Where each set field came from; absent for fields set by a built-in template. */
  origins: Partial<Record<FieldName, ConfigPath>>;
}

export const EMPTY_LAYER: Layer = { fields: {}, origins: {} };

const FIELD_NAMES: readonly FieldName[] = [
  "agent",
  "command",
  "args",
  "env",
  "secrets",
  "workdir",
  "services",
  "labels",
  "message",
  "idleTimeout",
  "idle",
  "network",
  "resources",
  "snapshot",
  "notify",
];

/**
 * A layer from one object of the file (`defaults`, `templates.x`, `agents.x`);
 * `at` is its path, or undefined for a built-in template.
 */
export function layerOf(source: Partial<AgentFields>, at: ConfigPath | undefined): Layer {
  const fields: Record<string, unknown> = {};
  const origins: Partial<Record<FieldName, ConfigPath>> = {};
  for (const name of FIELD_NAMES) {
    const value = source[name];
    if (value === undefined) continue;
    fields[name] = value;
    if (at) origins[name] = [...at, name];
  }
  return { fields, origins };
}

export function mergeLayers(base: Layer, over: Layer): Layer {
  const fields: Record<string, unknown> = { ...base.fields };
  const origins = { ...base.origins };
  for (const name of FIELD_NAMES) {
    const value = over.fields[name];
    if (value === undefined) continue;
    fields[name] = mergeField(name, base.fields[name], value);
    origins[name] = over.origins[name];
  }
  // Setting a timeout says "stop me when idle", even over a template's `idle: disabled`.
  if (over.fields.idleTimeout !== undefined && over.fields.idle === undefined) {
    fields.idle = "enabled";
    const origin = over.origins.idleTimeout;
    if (origin) origins.idle = origin;
  }
  return { fields, origins };
}

function mergeField(name: FieldName, base: unknown, over: unknown): unknown {
  if (base === undefined) return over;
  switch (name) {
    case "env":
    case "labels":
    case "resources":
    case "notify":
      return { ...(base as object), ...(over as object) };
    case "workdir":
      return { ...asWorkdir(base), ...asWorkdir(over) };
    default:
      return over;
  }
}

function asWorkdir(value: unknown): { from?: string; branch?: string } {
  return typeof value === "string"
    ? { from: value }
    : (value as { from?: string; branch?: string });
}
