/**
 * Taking several hosts' locks, shared by apply and reconcile: always in host-name
 * order, so two fleet processes locking overlapping hosts cannot deadlock, and
 * once per machine: host names that are one machine (every local host) share
 * one lock file, which flock would otherwise wait on forever.
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
  for (const names of machines) {
    const [host] = names;
    const provider = host && providers.get(host.provider);
    if (!host || !provider) continue;
    try {
      releases.push(await provider.lock(host, ctx));
      for (const name of names) locked.add(name.name);
    } catch (error) {
      try {
        unavailable(host, toFleetError(error));
      } catch (giveUp) {
        await releaseAll();
        throw giveUp;
      }
    }
  }
  return { locked, releaseAll };
}
