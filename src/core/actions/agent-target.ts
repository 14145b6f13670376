/**
 * Finding the agents an action acts on (NAME, NAME@HOST or label selectors) in
 * live state, with a handle on each one's host; and the host lock every mutation
 * takes. Shared by the CLI and the MCP server through the actions.
 */
import type { HostHandle } from "../host/handle.ts";
import type { HostError, LiveAgent, LiveState } from "../model.ts";
import { getProvider } from "../registry.ts";
import { discoverLive } from "../state/discover.ts";
import { knownHosts, knownHostsInStages } from "../state/known-hosts.ts";
import { usageError } from "../errors.ts";
import { filterAgents, parseAgentFilter } from "../state/agent-filter.ts";
import { rememberLocations } from "../state/location-cache.ts";
import { resolveAgent, resolveAgentOrProblem } from "../state/resolve-agent.ts";
import type { ProviderContext } from "../contracts/provider.ts";

export interface AgentTarget {
  agent: LiveAgent;
  handle: HostHandle;
}

/** Live state of every host this controller knows. */
export async function readLive(
  context: ProviderContext,
): Promise<{ live: LiveState; hosts: Awaited<ReturnType<typeof knownHosts>> }> {
  // The remembered hosts are read while the providers still search for others.
  const { remembered, found } = knownHostsInStages(context.env);
  const first = remembered.then((hosts) => discoverLive(hosts, context));
  const [known, more] = await Promise.all([remembered, found]);
  const [live, extra] = await Promise.all([
    first,
    more.length === 0 ? undefined : discoverLive(more, context),
  ]);
  const merged: LiveState =
    extra === undefined
      ? live
      : {
          hosts: [...live.hosts, ...extra.hosts],
          agents: [...live.agents, ...extra.agents],
          errors: [...live.errors, ...extra.errors],
        };
  rememberLocations(context.env, merged);
  return { live: merged, hosts: [...known, ...more] };
}

/** Resolves NAME or NAME@HOST to a live agent and a handle on its host. */
export async function findAgents(
  refs: readonly string[],
  context: ProviderContext,
): Promise<AgentTarget[]> {
  return (await findAgentsAndLive(refs, context)).targets;
}

/** findAgents, with the live state they were found in. */
export async function findAgentsAndLive(
  refs: readonly string[],
  context: ProviderContext,
): Promise<{ targets: AgentTarget[]; live: LiveState }> {
  const { live, hosts } = await readLive(context);
  const targets = await Promise.all(
    refs.map(async (ref) => {
      const { agent, host } = resolveAgent(ref, live, hosts);
      return { agent, handle: { provider: await getProvider(host.provider), host, ctx: context } };
    }),
  );
  return { targets, live };
}

/**
 * The agents a command acts on, with the live state they were found in: the ones
 * named, or those matching `-l` label selectors (not both, as kubectl). No names
 * and no selector is a usage error.
 */
export async function findTargets(
  refs: readonly string[],
  selectors: readonly string[],
  context: ProviderContext,
): Promise<{ targets: AgentTarget[]; live: LiveState }> {
  if (selectors.length === 0) {
    if (refs.length === 0) throw usageError("name at least one agent, or select some with -l");
    return findAgentsAndLive(refs, context);
  }
  if (refs.length > 0) {
    throw usageError("give agent names or -l selectors, not both", "fleet stop -l role=review");
  }
  const filter = parseAgentFilter({ labels: selectors });
  const { live, hosts } = await readLive(context);
  const targets = await Promise.all(
    filterAgents(live.agents, filter).map(async (selected) => {
      const { agent, host } = resolveAgent(`${selected.name}@${selected.host}`, live, hosts);
      return { agent, handle: { provider: await getProvider(host.provider), host, ctx: context } };
    }),
  );
  return { targets, live };
}

export async function findAgent(ref: string, context: ProviderContext): Promise<AgentTarget> {
  const [target] = await findAgents([ref], context);
  if (!target) throw new Error("unreachable: findAgents returned nothing");
  return target;
}

/** Runs fn while holding the lock of the agent's host. */
export async function withHostLock<T>(handle: HostHandle, fn: () => Promise<T>): Promise<T> {
  const release = await handle.provider.lock(handle.host, handle.ctx);
  try {
    return await fn();
  } finally {
    await release();
  }
}

export interface UntrustedTarget {
  name: string;
  host: string;
  /** The live agent, when its record verified. */
  agent?: LiveAgent;
  /** Why its record cannot be acted on, when it cannot. */
  problem?: HostError;
  handle: HostHandle;
}

/**
 * Like findAgents, but an agent whose record is TAMPERED or UNREADABLE is found
 * too, with its problem: for destroy and adopt, which must reach exactly those.
 */
export async function findAgentsOrProblems(
  refs: readonly string[],
  context: ProviderContext,
): Promise<{ targets: UntrustedTarget[]; live: LiveState }> {
  const { live, hosts } = await readLive(context);
  const targets = await Promise.all(
    refs.map(async (ref) => {
      const found = resolveAgentOrProblem(ref, live, hosts);
      const handle = {
        provider: await getProvider(found.host.provider),
        host: found.host,
        ctx: context,
      };
      return { ...found, host: found.agent?.host ?? found.host.name, handle };
    }),
  );
  return { targets, live };
}
