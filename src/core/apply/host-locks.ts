/**
 * Taking several hosts' locks, shared by apply and reconcile: always in host-name
 * order, so two fleet processes locking overlapping hosts cannot deadlock.
 */
import type { Provider, ProviderContext, ReleaseLock } from "../contracts/provider.ts";
import { FleetError, toFleetError } from "../errors.ts";
import type { HostSpec } from "../model.ts";
import { getProvider } from "../registry.ts";
import { byText } from "../sort.ts";

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
  /** Names of the hosts locked. */
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
  for (const host of [...hosts].sort((a, b) => byText(a.name, b.name))) {
    const provider = providers.get(host.provider);
    if (!provider) continue;
    try {
      releases.push(await provider.lock(host, ctx));
      locked.add(host.name);
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
