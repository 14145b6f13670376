/**
 * `fleet destroy NAME...`: each agent destroyed under its host's lock, its work
 * saved first. A docker host that `fleet create --snapshot` made for agents of
 * no fleet file goes with its last agent (its snapshot image stays): nothing
 * else would ever remove it. Hosts a fleet file made are that file's to remove.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { destroyAgent, type HostHandle, type SavedWork } from "../host/index.ts";
import type { LiveAgent, LiveState } from "../model.ts";
import { forgetHost } from "../state/known-hosts.ts";
import { recordHostEvent } from "../events/journal.ts";

export interface DestroyTarget {
  name: string;
  /** The host name the agent is listed under. */
  host: string;
  /** Undefined when its record could not be trusted or read (it is destroyed all the same). */
  agent?: LiveAgent;
  handle: HostHandle;
}

export interface DestroyedAgent {
  agent: string;
  host: string;
  saved: SavedWork[];
}

export interface RemovedHost {
  host: string;
  provider: string;
  /** The image it was started from, which is kept. */
  snapshot?: string;
}

export interface DestroyedAgents {
  destroyed: DestroyedAgent[];
  /** Hosts made by `fleet create --snapshot` that went with their last agent. */
  removedHosts: RemovedHost[];
}

export interface DestroyOptions {
  /**
   * Asked under the host's lock, just before each agent goes: false leaves it
   * (`fleet cleanup` checks again that the agent is still idle).
   */
  recheck?: (target: DestroyTarget) => Promise<boolean>;
}

export async function destroyAgents(
  targets: readonly DestroyTarget[],
  live: LiveState,
  ctx: ProviderContext,
  options: DestroyOptions = {},
): Promise<DestroyedAgents & { kept: DestroyTarget[] }> {
  const destroyed: DestroyedAgent[] = [];
  const kept: DestroyTarget[] = [];
  const emptied = new Map<string, HostHandle>();
  for (const target of targets) {
    const { name, host, handle } = target;
    const outcome = await withLock(handle, async () =>
      options.recheck === undefined || (await options.recheck(target))
        ? destroyAgent(handle, name)
        : undefined,
    );
    if (outcome === undefined) {
      kept.push(target);
      continue;
    }
    destroyed.push({ agent: name, host, saved: outcome.saved });
    if (madeByCreateSnapshot(handle, live)) emptied.set(handle.host.name, handle);
  }
  const removedHosts: RemovedHost[] = [];
  for (const handle of emptied.values()) {
    const removed = await withLock(handle, () => removeIfEmpty(handle, ctx));
    if (removed) removedHosts.push(removed);
  }
  return { destroyed, removedHosts, kept };
}

/** A host fleet manages that no fleet file owns: `fleet create --snapshot` is what makes those. */
function madeByCreateSnapshot(handle: HostHandle, live: LiveState): boolean {
  if (!handle.provider.capabilities.manageHost) return false;
  const host = live.hosts.find(
    (h) => h.name === handle.host.name && h.provider === handle.provider.name,
  );
  return host !== undefined && host.fleet === null && host.state !== "missing";
}

async function removeIfEmpty(
  handle: HostHandle,
  ctx: ProviderContext,
): Promise<RemovedHost | undefined> {
  const { provider, host } = handle;
  const now = await provider.discover([host], ctx);
  // Unreadable, or another agent was made there meanwhile: it stays.
  if (now.errors.some((e) => e.host === host.name)) return undefined;
  if (now.agents.some((a) => a.host === host.name)) return undefined;
  await provider.destroyHost(host, ctx);
  await recordHostEvent(ctx.env, "host-destroyed", host, "its last agent was destroyed");
  await forgetHost(ctx.env, host.name);
  const snapshot = host.config.snapshot;
  return {
    host: host.name,
    provider: provider.name,
    ...(typeof snapshot === "string" ? { snapshot } : {}),
  };
}

async function withLock<T>(handle: HostHandle, fn: () => Promise<T>): Promise<T> {
  const release = await handle.provider.lock(handle.host, handle.ctx);
  try {
    return await fn();
  } finally {
    await release();
  }
}
