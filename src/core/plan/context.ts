/**
 * Lookups shared by the host and agent planners, built once per computePlan so
 * a plan over hundreds of agents stays linear.
 */
import type { ProviderCapabilities } from "../contracts/provider.ts";
import type {
  DesiredState,
  HostError,
  HostSpec,
  LiveAgent,
  LiveHost,
  LiveState,
} from "../model.ts";
import { DEFAULT_HOST } from "../model.ts";
import { machineKey } from "../state/local-hosts.ts";
import type { Change, PlanConflict } from "./types.ts";

export interface PlanContext {
  fleet: string;
  desired: DesiredState;
  live: LiveState;
  capabilities: Record<string, ProviderCapabilities>;
  /** `fleet destroy`: everything the fleet owns goes. */
  destroying: boolean;
  desiredHosts: Map<string, HostSpec>;
  liveHosts: Map<string, LiveHost>;
  liveAgentsByName: Map<string, LiveAgent[]>;
  liveAgentsByHost: Map<string, LiveAgent[]>;
  hostErrors: Map<string, HostError>;
  /** Agents whose record could not be read or trusted, by `host\u0000name`: never acted on. */
  agentErrors: Map<string, HostError>;
  /** Addresses not planned because of a host error, by host. */
  unplanned: Map<string, string[]>;
  /** Desired hosts that cannot be planned (conflict), with the agents left unplanned on them. */
  blockedHosts: Map<string, string[]>;
  /** Host changes by host name. */
  hostChanges: Map<string, Change>;
  conflicts: PlanConflict[];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

export function buildContext(
  desired: DesiredState,
  live: LiveState,
  capabilities: Record<string, ProviderCapabilities>,
  destroying = false,
): PlanContext {
  const liveHosts = new Map<string, LiveHost>();
  // Prefer the live host reported by the provider the fleet file names.
  const desiredProviders = new Map(desired.hosts.map((host) => [host.name, host.provider]));
  for (const host of live.hosts) {
    const seen = liveHosts.get(host.name);
    if (seen === undefined || desiredProviders.get(host.name) === host.provider) {
      liveHosts.set(host.name, host);
    }
  }
  const byHostThenName = (a: LiveAgent, b: LiveAgent): number =>
    a.host === b.host ? (a.name < b.name ? -1 : 1) : a.host < b.host ? -1 : 1;
  const agents = [...live.agents].sort(byHostThenName);
  return {
    fleet: desired.fleet,
    desired,
    live,
    capabilities,
    destroying,
    desiredHosts: new Map(desired.hosts.map((host) => [host.name, host])),
    liveHosts,
    liveAgentsByName: groupBy(agents, (agent) => agent.name),
    liveAgentsByHost: groupBy(agents, (agent) => agent.host),
    hostErrors: new Map(
      live.errors.filter((error) => error.agent === undefined).map((error) => [error.host, error]),
    ),
    agentErrors: new Map(
      live.errors.flatMap((error) =>
        error.agent === undefined ? [] : [[`${error.host}\u0000${error.agent}`, error] as const],
      ),
    ),
    unplanned: new Map(),
    blockedHosts: new Map(),
    hostChanges: new Map(),
    conflicts: [],
  };
}

export function managesHost(ctx: PlanContext, provider: string): boolean {
  return ctx.capabilities[provider]?.manageHost === true;
}

/** The desired host spec an agent runs on; `local` is implicit. */
export function hostSpecFor(ctx: PlanContext, hostName: string): HostSpec | undefined {
  return (
    ctx.desiredHosts.get(hostName) ?? (hostName === DEFAULT_HOST.name ? DEFAULT_HOST : undefined)
  );
}

export function markUnplanned(ctx: PlanContext, host: string, address: string): void {
  const list = ctx.unplanned.get(host);
  if (list === undefined) ctx.unplanned.set(host, [address]);
  else list.push(address);
}

/** The machine a host name is (every local host name is this machine, `local`). */
export function machineOf(ctx: PlanContext, hostName: string): string {
  const provider =
    hostSpecFor(ctx, hostName)?.provider ??
    ctx.liveHosts.get(hostName)?.provider ??
    ctx.liveAgentsByHost.get(hostName)?.[0]?.provider ??
    "unknown";
  return machineKey({ name: hostName, provider });
}

/** Whether a live agent sits on the machine a host name is: one agent per name there. */
export function onMachineOf(ctx: PlanContext, live: LiveAgent, hostName: string): boolean {
  const where = machineKey({ name: live.host, provider: live.provider });
  return live.host === hostName || where === machineOf(ctx, hostName);
}

/** Why an owned object the desired state lacks is deleted. */
export function goneReason(ctx: PlanContext): string {
  return ctx.destroying
    ? `fleet destroy: everything fleet "${ctx.fleet}" owns is destroyed`
    : "no longer in the fleet file";
}

/** Who owns a live object, in words. */
export function ownerWords(fleet: string | null): string {
  return fleet === null ? "no fleet file (made with `fleet create`)" : `fleet "${fleet}"`;
}
