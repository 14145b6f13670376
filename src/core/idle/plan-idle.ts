/**
 * planIdle: (live, now, timeouts) -> Plan. Pure, like computePlan: it says which
 * running agents have been idle past their timeout (stop them) and which hosts
 * that can be stopped would then run no agent (stop them after their agents).
 * `fleet reconcile` prints the plan and hands it to an engine.
 */
import type { ProviderCapabilities } from "../contracts/provider.ts";
import type { AgentSpec, LiveAgent, LiveHost, LiveState } from "../model.ts";
import { liveFingerprint } from "../plan/fingerprint.ts";
import { summarize } from "../plan/summary.ts";
import type { Change, Plan } from "../plan/types.ts";
import { PLAN_FORMAT_VERSION } from "../plan/types.ts";
import { durationWords } from "./duration-words.ts";

/** The fleet name a plan over every agent fleet can see carries (no fleet file). */
export const ALL_AGENTS = "*";

export interface IdlePlanOptions {
  /** Epoch ms the idle times are measured at. */
  now: number;
  /** Capabilities by provider name: hosts are stopped only where `stopHost` is true. */
  capabilities: Record<string, ProviderCapabilities>;
  /**
   * Only agents (and hosts) this fleet owns: the fleet file's name. Without it
   * every agent fleet can see is considered.
   */
  fleet?: string;
  /**
   * Idle timeouts from a fleet file, by {@link agentKey} (null: idle shutdown is
   * off). An agent not in the map is judged by the timeout recorded with it.
   */
  timeouts?: ReadonlyMap<string, number | null>;
  /** The plan's `source`: the fleet file, or a description of what was looked at. */
  source?: string;
}

/** How agents are keyed across hosts: `NAME@HOST`. */
export const agentKey = (name: string, host: string): string => `${name}@${host}`;

const isUp = (agent: LiveAgent): boolean => agent.state === "RUNNING" || agent.state === "WAITING";

/** The live spec pinned to where the agent really is: apply stops it there. */
function pinnedSpec(agent: LiveAgent): AgentSpec {
  return agent.spec.host === agent.host && agent.spec.name === agent.name
    ? agent.spec
    : { ...agent.spec, name: agent.name, host: agent.host };
}

interface AgentVerdict {
  stop: boolean;
  reason: string;
}

/** Whether one running agent is idle past its timeout, and why (or why not), in words. */
export function judgeAgent(agent: LiveAgent, timeout: number | null, now: number): AgentVerdict {
  if (timeout === null) return { stop: false, reason: "idle shutdown is disabled" };
  if (agent.attached) return { stop: false, reason: "a user is attached" };
  if (agent.lastActivity === undefined) return { stop: false, reason: "no activity signal yet" };
  const idle = Math.max(0, now - agent.lastActivity);
  const limit = `timeout ${durationWords(timeout)}`;
  if (idle >= timeout) return { stop: true, reason: `idle for ${durationWords(idle)} (${limit})` };
  return { stop: false, reason: `last active ${durationWords(idle)} ago (${limit})` };
}

export function planIdle(live: LiveState, options: IdlePlanOptions): Plan {
  const { fleet, timeouts, now } = options;
  // A host that could not be read hides its agents; one untrusted agent hides only
  // itself, but still keeps its host from being stopped under it.
  const unreadable = new Set(live.errors.filter((e) => e.agent === undefined).map((e) => e.host));
  const untouchable = new Set(live.errors.map((error) => error.host));
  const inScope = (owner: string | null): boolean => fleet === undefined || owner === fleet;
  const agents = live.agents.filter((agent) => !unreadable.has(agent.host));

  // Addresses carry the host only where a name exists on several hosts.
  const hostsByName = new Map<string, Set<string>>();
  for (const agent of agents) {
    const set = hostsByName.get(agent.name) ?? new Set<string>();
    set.add(agent.host);
    hostsByName.set(agent.name, set);
  }
  const addressOf = (agent: LiveAgent): string =>
    (hostsByName.get(agent.name)?.size ?? 0) > 1
      ? `agents.${agent.name}@${agent.host}`
      : `agents.${agent.name}`;

  const agentChanges = new Map<LiveAgent, Change>();
  const change = (agent: LiveAgent, action: "stop" | "noop", reason: string): Change => {
    const spec = pinnedSpec(agent);
    return {
      address: addressOf(agent),
      kind: "agent",
      name: agent.name,
      host: agent.host,
      provider: agent.provider,
      action,
      before: spec,
      after: spec,
      reasons: [reason],
      fields: [],
      dependsOn: [],
    };
  };

  for (const agent of agents) {
    if (!isUp(agent) || !inScope(agent.fleet)) continue;
    const key = agentKey(agent.name, agent.host);
    const timeout = timeouts?.has(key) ? (timeouts.get(key) ?? null) : agent.spec.idleTimeout;
    const verdict = judgeAgent(agent, timeout, now);
    agentChanges.set(agent, change(agent, verdict.stop ? "stop" : "noop", verdict.reason));
  }

  const hostChanges: Change[] = [];
  for (const host of live.hosts) {
    if (!canStop(host, options.capabilities) || untouchable.has(host.name)) continue;
    if (!inScope(host.fleet)) continue;
    const onHost = agents.filter((a) => a.host === host.name && a.provider === host.provider);
    const staysUp = onHost.some(
      (agent) => isUp(agent) && agentChanges.get(agent)?.action !== "stop",
    );
    if (staysUp) continue;
    const idleStops = onHost.filter((agent) => agentChanges.get(agent)?.action === "stop").length;
    // A finished agent's record still says running: stop it too, so it stays
    // stopped (not MISSING, which apply would create again) once the host is back.
    for (const agent of onHost) {
      if (agent.state === "DONE") {
        agentChanges.set(
          agent,
          change(agent, "stop", `it had exited; its host ${host.name} is being stopped`),
        );
      }
    }
    const stops = onHost
      .map((agent) => agentChanges.get(agent))
      .filter((c): c is Change => c?.action === "stop");
    hostChanges.push({
      address: `hosts.${host.name}`,
      kind: "host",
      name: host.name,
      host: host.name,
      provider: host.provider,
      action: "stop",
      before: host.spec ?? null,
      after: host.spec ?? null,
      reasons: [hostReason(onHost.length, idleStops)],
      fields: [],
      dependsOn: stops.map((c) => c.address).sort(compareStrings),
    });
  }

  const changes = [...hostChanges, ...agentChanges.values()].sort(compareChanges);
  return {
    format_version: PLAN_FORMAT_VERSION,
    fleet: fleet ?? ALL_AGENTS,
    source: options.source ?? "every agent on the hosts fleet knows",
    createdAt: new Date(now).toISOString(),
    fingerprint: liveFingerprint(live, {
      fleet: fleet ?? ALL_AGENTS,
      hosts: live.hosts.map((h) => h.name).sort(compareStrings),
      agentNames: agents.map((a) => a.name).sort(compareStrings),
    }),
    changes,
    conflicts: live.errors.flatMap((error) =>
      error.agent === undefined
        ? []
        : [{ address: `agents.${error.agent}@${error.host}`, message: error.error.message }],
    ),
    hostErrors: live.errors
      .filter((error) => error.agent === undefined)
      .sort((a, b) => compareStrings(a.host, b.host))
      .map((error) => ({ ...error, unplanned: [] })),
    summary: summarize(changes),
  };
}

function canStop(host: LiveHost, capabilities: Record<string, ProviderCapabilities>): boolean {
  return host.state === "running" && capabilities[host.provider]?.stopHost === true;
}

function hostReason(agents: number, stoppedNow: number): string {
  if (agents === 0) return "no agent runs on it";
  if (stoppedNow === 0) return "none of its agents runs";
  return `none of its agents runs once ${stoppedNow === 1 ? "its idle agent is" : `its ${stoppedNow} idle agents are`} stopped`;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Hosts first, then agents, each by address: the order the plan renderers show. */
function compareChanges(a: Change, b: Change): number {
  if (a.kind !== b.kind) return a.kind === "host" ? -1 : 1;
  return compareStrings(a.address, b.address);
}
