/**
 * Which agents `fleet cleanup` picks: agents no fleet file owns (a fleet file's
 * agents are its own to remove, and `fleet reconcile` stops them when idle),
 * matching the label selectors, older than `--older-than` (from `createdAt`)
 * and idle for `--idle-for` (since their newest sign of life), all that are
 * given. An attached agent is never idle. Pure.
 */
import { formatDuration, tryParseDuration } from "../config/units.ts";
import { usageError } from "../errors.ts";
import { type LabelRequirement, matchesLabels, parseSelectors } from "../label-selector.ts";
import type { LiveAgent } from "../model.ts";

export type CleanupAction = "stop" | "destroy";

export interface CleanupCriteria {
  /** Milliseconds. */
  olderThan?: number;
  idleFor?: number;
  labels: LabelRequirement[];
  action: CleanupAction;
}

export interface CleanupCandidate {
  agent: LiveAgent;
  /** Milliseconds since it was created, and since its last sign of life. */
  age: number;
  idle: number | null;
}

export interface CleanupOptions {
  olderThan?: string;
  idleFor?: string;
  stop?: boolean;
  destroy?: boolean;
  selector?: readonly string[];
}

function duration(value: string, flag: string): number {
  const ms = tryParseDuration(value);
  if (ms === undefined || !/[a-z]/i.test(value)) {
    throw usageError(
      `invalid duration ${JSON.stringify(value)} for ${flag}`,
      "write a number with a unit: 30s, 15m, 2h, 7d",
    );
  }
  return ms;
}

/** The criteria, or a usage error: at least one of --older-than and --idle-for is needed. */
export function parseCleanupCriteria(options: CleanupOptions): CleanupCriteria {
  if (options.stop === true && options.destroy === true) {
    throw usageError("give --stop or --destroy, not both");
  }
  if (options.olderThan === undefined && options.idleFor === undefined) {
    throw usageError(
      "say which agents to clean up: --older-than DURATION, --idle-for DURATION, or both",
      "fleet cleanup --idle-for 2d --dry-run",
    );
  }
  return {
    ...(options.olderThan === undefined
      ? {}
      : { olderThan: duration(options.olderThan, "--older-than") }),
    ...(options.idleFor === undefined ? {} : { idleFor: duration(options.idleFor, "--idle-for") }),
    labels: parseSelectors(options.selector ?? []),
    action: options.destroy === true ? "destroy" : "stop",
  };
}

const time = (iso: string | undefined): number => (iso === undefined ? NaN : Date.parse(iso));

/**
 * How long the agent has shown no sign of life (activity, a start); null while a
 * user is attached. Being stopped is not one: a stopped agent stays as idle as it was.
 */
export function idleTime(agent: LiveAgent, now: number): number | null {
  if (agent.attached) return null;
  const signs = [agent.lastActivity ?? NaN, time(agent.createdAt), time(agent.startedAt)].filter(
    (t) => Number.isFinite(t),
  );
  // A host clock ahead of ours reads as active just now, never as negative idle time.
  return signs.length === 0 ? 0 : Math.max(0, now - Math.max(...signs));
}

/** The candidate this agent is, or undefined when the criteria leave it alone. */
export function judgeForCleanup(
  agent: LiveAgent,
  criteria: CleanupCriteria,
  now: number,
): CleanupCandidate | undefined {
  if (agent.fleet !== null) return undefined;
  if (criteria.action === "stop" && agent.state === "STOPPED") return undefined;
  if (!matchesLabels(agent.spec.labels, criteria.labels)) return undefined;
  const created = time(agent.createdAt);
  const age = Number.isFinite(created) ? Math.max(0, now - created) : 0;
  const idle = idleTime(agent, now);
  if (criteria.olderThan !== undefined && age < criteria.olderThan) return undefined;
  if (criteria.idleFor !== undefined && (idle === null || idle < criteria.idleFor)) {
    return undefined;
  }
  return { agent, age, idle };
}

export function selectForCleanup(
  agents: readonly LiveAgent[],
  criteria: CleanupCriteria,
  now: number,
): CleanupCandidate[] {
  return agents.flatMap((agent) => {
    const candidate = judgeForCleanup(agent, criteria, now);
    return candidate === undefined ? [] : [candidate];
  });
}

/** `idle for 2d, older than 7d`: what the criteria ask, for the plan and the stop reason. */
export function criteriaWords(criteria: CleanupCriteria): string {
  return [
    ...(criteria.idleFor === undefined ? [] : [`idle for ${formatDuration(criteria.idleFor)}`]),
    ...(criteria.olderThan === undefined
      ? []
      : [`older than ${formatDuration(criteria.olderThan)}`]),
  ].join(", ");
}
