/**
 * Taking several hosts' locks, shared by apply and reconcile: always in host-name
 * order, so two fleet processes locking overlapping hosts cannot deadlock, and
 * once per machine: host names that are one machine (every local host) share
 * one lock file, which flock would otherwise wait on forever.
 *
 * Waiting in order needs one round trip per host, one after another: 2.5 s for
 * 50 hosts 50 ms away. So every lock is first tried at once without waiting
 * (Provider.tryLock), which cannot deadlock since nothing waits; the locks
 * before the first busy one are kept, which is what waiting in order would hold
 * at that point, the ones after it are let go, and from it on each is waited
 * for in order as before.
 */
import type { Provider, ProviderContext, ReleaseLock } from "../contracts/provider.ts";
import { FleetError, toFleetError } from "../errors.ts";
import type { HostSpec } from "../model.ts";
import { getProvider } from "../registry.ts";
import { byText } from "../sort.ts";
import { machineKey } from "../state/local-hosts.ts";

/** The providers of these hosts. A provider that is not registered is left out: discovery reports its hosts. */
export async function providersFor(hosts: Iterable<HostSpec>): Promise<Map<string, Provider>> {
  const names = [...new Set([...hosts].map((host) => host.provider))];
  const loaded = await Promise.all(
    names.map(async (name) => {
      try {
        return [name, await getProvider(name)] as const;
      } catch {
        return undefined;
      }
    }),
  );
  return new Map(loaded.filter((entry) => entry !== undefined));
}

export interface HeldLocks {
  /** Names of the hosts locked (every name of a machine whose lock is held). */
  locked: Set<string>;
  releaseAll(): Promise<void>;
}

type Tried = ReleaseLock | "busy" | "wait" | { error: unknown };
/** A machine: the host it is locked through, its provider, and all its names. */
type Machine = readonly [HostSpec, Provider, readonly HostSpec[]];

/** Every machine's lock tried at once: "wait" for a provider that cannot try. */
function tryAll(machines: readonly Machine[], ctx: ProviderContext): Promise<Tried[]> {
  return Promise.all(
    machines.map(async ([host, provider]): Promise<Tried> => {
      if (!provider.tryLock) return "wait";
      try {
        return await provider.tryLock(host, ctx);
      } catch (error) {
        return { error };
      }
    }),
  );
}

/**
 * Locks the hosts in name order. A lock that cannot be taken goes to
 * `unavailable`, which may throw to give up: the locks already taken are then
 * released before the error goes on.
 */
export async function lockHostsInOrder(
  hosts: Iterable<HostSpec>,
  providers: ReadonlyMap<string, Provider>,
  ctx: ProviderContext,
  unavailable: (host: HostSpec, error: FleetError) => void,
): Promise<HeldLocks> {
  const locked = new Set<string>();
  const releases: ReleaseLock[] = [];
  const releaseAll = async (): Promise<void> => {
    await Promise.all(releases.map((release) => release().catch(() => undefined)));
  };
  const byMachine = new Map<string, HostSpec[]>();
  for (const host of [...hosts].sort((a, b) => byText(a.name, b.name))) {
    if (!providers.has(host.provider)) continue;
    const key = machineKey(host);
    byMachine.set(key, [...(byMachine.get(key) ?? []), host]);
  }
  // Each machine is locked through its first name: the same file, in a stable order.
  const machines = [...byMachine.values()].sort((a, b) =>
    byText(a[0]?.name ?? "", b[0]?.name ?? ""),
  );
  const ordered = machines.flatMap((names) => {
    const [host] = names;
    const provider = host && providers.get(host.provider);
    return host && provider ? [[host, provider, names] satisfies Machine] : [];
  });
  const tried = await tryAll(ordered, ctx);
  const firstWait = tried.findIndex((t) => t === "busy" || t === "wait");
  const waitFrom = firstWait === -1 ? ordered.length : firstWait;
  // Taken out of order: held while this process waits, they could deadlock.
  await Promise.all(
    tried
      .slice(waitFrom)
      .map((t) => (typeof t === "function" ? t().catch(() => undefined) : Promise.resolve())),
  );
  const giveUp = async (host: HostSpec, error: unknown): Promise<void> => {
    try {
      unavailable(host, toFleetError(error));
    } catch (reason) {
      await releaseAll();
      throw reason;
    }
  };
  for (const [index, attempt] of tried.slice(0, waitFrom).entries()) {
    if (typeof attempt !== "function") continue;
    releases.push(attempt);
    for (const name of ordered[index]?.[2] ?? []) locked.add(name.name);
  }
  for (const [index, [host, provider, names]] of ordered.entries()) {
    const attempt = tried[index];
    if (index < waitFrom) {
      if (typeof attempt === "object") await giveUp(host, attempt.error);
      continue;
    }
    try {
      releases.push(await provider.lock(host, ctx));
      for (const name of names) locked.add(name.name);
    } catch (error) {
      await giveUp(host, error);
    }
  }
  return { locked, releaseAll };
}
