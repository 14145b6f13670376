/**
 * The plan: a pure value computed from (desired, live) by computePlan. Apply
 * carries it out; renderers show it. The JSON form is versioned by
 * `format_version` and documented in docs/plan-format.md.
 */
import type { AgentSpec, HostError, HostSpec } from "../model.ts";

export const PLAN_FORMAT_VERSION = "1.0";

/**
 * create: make it. update: change it in place. replace: destroy then create, as
 * one change. delete: destroy it. start/stop: change its running state only.
 * noop: nothing to do (kept so tools can see everything that was compared).
 */
export type PlanAction = "create" | "update" | "replace" | "delete" | "start" | "stop" | "noop";

export const PLAN_ACTIONS: readonly PlanAction[] = [
  "create",
  "update",
  "replace",
  "delete",
  "start",
  "stop",
  "noop",
];

/** One top-level field that differs between the live and the desired spec. */
export interface FieldChange {
  /** Spec field name; host provider fields are `config.KEY`. */
  field: string;
  /** Undefined when the field is not set. */
  before: unknown;
  after: unknown;
  /** The change cannot be made in place: the object is destroyed and created again. */
  forcesReplacement: boolean;
  /** Renderers show `(sensitive)` instead of the value. */
  sensitive: boolean;
}

export type ChangeKind = "host" | "agent";

/**
 * A service of a running agent that is dead and that an `update` brings back
 * on its port: `exited` (its process ended; `exitCode` when known) or
 * `missing` (its window was closed).
 */
export interface ServiceRestart {
  service: string;
  state: "exited" | "missing";
  exitCode?: number;
  port: number | null;
}

export interface Change {
  /**
   * `hosts.NAME` or `agents.NAME`. An extra copy of an owned agent found on a
   * second host is addressed `agents.NAME@HOST` so addresses stay unique.
   */
  address: string;
  kind: ChangeKind;
  name: string;
  /** The host the change acts on: the desired host, or the live one for a delete. */
  host: string;
  provider: string;
  action: PlanAction;
  /** The live spec (null when nothing is live or the provider does not report it). */
  before: AgentSpec | HostSpec | null;
  /** The desired spec (null for a delete). */
  after: AgentSpec | HostSpec | null;
  /** Why, in words fit for a person: "args changed (forces replacement)". */
  reasons: string[];
  /** Filled for update and replace (and create of an agent whose session is gone). */
  fields: FieldChange[];
  /** Addresses of changes that must be done first. */
  dependsOn: string[];
  /** Dead services an agent `update` restarts; absent or empty when none. */
  restarts?: ServiceRestart[];
}

export interface PlanConflict {
  address: string;
  message: string;
}

/** A host that could not be read, and what could not be planned because of it. */
export interface PlanHostError extends HostError {
  /** Addresses of the desired objects on this host that were not planned. */
  unplanned: string[];
}

/** An agent the plan would launch without a secret it names: names only, never values. */
export interface MissingSecret {
  address: string;
  agent: string;
  secrets: string[];
}

export interface PlanSummary {
  /** create + replace */
  add: number;
  /** update */
  change: number;
  /** delete + replace */
  destroy: number;
  start: number;
  stop: number;
  noop: number;
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  fleet: string;
  /** The fleet file the plan was computed from. */
  source: string;
  /** ISO 8601. */
  createdAt: string;
  /** liveFingerprint() of the live state the plan was computed from. */
  fingerprint: string;
  /** Set for a Pulumi preview: `fleet apply PLAN` then applies through that stack. */
  engine?: { name: "pulumi"; stack: string };
  changes: Change[];
  /** Desired objects that cannot be planned because something not ours is in the way. */
  conflicts: PlanConflict[];
  hostErrors: PlanHostError[];
  /**
   * Secrets the plan needs (for creates, replaces and starts) that are not set
   * in the environment it was made in. Not part of computePlan, which knows no
   * environment: planFleet and applyFleet fill it; apply refuses while any is missing.
   */
  missingSecrets?: MissingSecret[];
  summary: PlanSummary;
}
