/**
 * Notification events, derived from two successive observations of the live
 * agents (pure). Each event carries a key made only of what the host reports
 * (the agent's identity, its run, when its state began), so every process that
 * watches the same agents derives the same key for the same event, and the
 * claim store (claims.ts) lets only one of them send it.
 */
import type { AgentState, LiveAgent, NotifyEventType } from "../model.ts";

/** What a notification needs of an agent; also what the baseline (baseline.ts) keeps. */
export interface ObservedAgent {
  name: string;
  host: string;
  fleet: string | null;
  createdAt: string;
  startedAt?: string;
  state: AgentState;
  exitCode?: number;
  waitingFor?: string;
  waitingSince?: string;
}

export interface NotifyEvent {
  type: NotifyEventType;
  agent: { name: string; host: string; fleet: string | null; createdAt: string };
  /** The same for one event in every process that sees it; never shown. */
  key: string;
  /** ISO: when the host says the state began, else when it was seen. */
  at: string;
  /** waiting: what it waits for. */
  waitingFor?: string;
  /** finished, failed: the exit code, when known. */
  exitCode?: number;
  /** failed, stopped: why, in words fleet made. */
  reason?: string;
  /** handoff: from whom to whom. */
  handoff?: { from: string; to: string; note?: string };
}

export const observed = (agent: LiveAgent): ObservedAgent => {
  const seen: ObservedAgent = {
    name: agent.name,
    host: agent.host,
    fleet: agent.fleet,
    createdAt: agent.createdAt,
    state: agent.state,
  };
  if (agent.startedAt !== undefined) seen.startedAt = agent.startedAt;
  if (agent.exitCode !== undefined) seen.exitCode = agent.exitCode;
  if (agent.waitingFor !== undefined) seen.waitingFor = agent.waitingFor;
  if (agent.waitingSince !== undefined) seen.waitingSince = agent.waitingSince;
  return seen;
};

/** One agent across restarts and re-creations: a destroyed and re-made agent is another. */
export const agentIdentity = (agent: { name: string; host: string; createdAt: string }): string =>
  [agent.host, agent.name, agent.createdAt].join("\u0000");

const isUp = (state: AgentState): boolean => state === "RUNNING" || state === "WAITING";

/**
 * The events between `previous` and `current`. An agent absent from
 * `previous` is new: one already DONE or WAITING when first seen gets its event
 * (the key stops a resend if another process sent it). Without a previous
 * observation at all there is nothing to compare, so nothing happened.
 */
export function deriveEvents(
  previous: readonly ObservedAgent[] | undefined,
  current: readonly ObservedAgent[],
  now: Date = new Date(),
): NotifyEvent[] {
  if (previous === undefined) return [];
  const before = new Map(previous.map((agent) => [agentIdentity(agent), agent]));
  const events: NotifyEvent[] = [];
  for (const agent of current) {
    const event = eventOf(before.get(agentIdentity(agent)), agent, now);
    if (event) events.push(event);
  }
  return events;
}

function eventOf(
  before: ObservedAgent | undefined,
  agent: ObservedAgent,
  now: Date,
): NotifyEvent | undefined {
  const run = `run:${agent.startedAt ?? ""}`;
  if (agent.state === "WAITING") {
    const sameWait =
      before?.state === "WAITING" &&
      before.waitingSince === agent.waitingSince &&
      before.startedAt === agent.startedAt;
    if (sameWait) return undefined;
    // Without the mark's time, a run can only be told about one wait.
    const since = agent.waitingSince ?? run;
    return {
      ...base(agent, "waiting", since, agent.waitingSince ?? now.toISOString()),
      waitingFor: agent.waitingFor ?? "input",
    };
  }
  if (agent.state === "DONE") {
    if (before?.state === "DONE" && before.startedAt === agent.startedAt) return undefined;
    const failed = agent.exitCode !== undefined && agent.exitCode !== 0;
    const event = base(agent, failed ? "failed" : "finished", run, now.toISOString());
    if (agent.exitCode !== undefined) event.exitCode = agent.exitCode;
    if (failed) event.reason = `exited with code ${agent.exitCode}`;
    return event;
  }
  // MISSING is a failure only when it was seen running: a finished agent whose
  // session went later did not fail, and one first seen MISSING has no "when".
  if (agent.state === "MISSING" && before !== undefined && isUp(before.state)) {
    return {
      ...base(agent, "failed", run, now.toISOString()),
      reason: "its session is gone (killed, or its host restarted)",
    };
  }
  return undefined;
}

function base(agent: ObservedAgent, type: NotifyEventType, when: string, at: string): NotifyEvent {
  return {
    type,
    agent: { name: agent.name, host: agent.host, fleet: agent.fleet, createdAt: agent.createdAt },
    key: [agentIdentity(agent), type, when].join("\u0000"),
    at,
  };
}

/** An agent reconcile stopped for being idle (only reconcile knows why it stopped). */
export function stoppedEvent(agent: ObservedAgent, reason: string, now = new Date()): NotifyEvent {
  return { ...base(agent, "stopped", `run:${agent.startedAt ?? ""}`, now.toISOString()), reason };
}

/** An agent handed to someone else; `at` (ISO) is the handoff's own time, unique to it. */
export function handoffEvent(
  agent: ObservedAgent,
  handoff: { from: string; to: string; note?: string },
  at: string,
): NotifyEvent {
  return { ...base(agent, "handoff", `${at}\u0000${handoff.to}`, at), handoff };
}
