/**
 * Reads live state from every provider involved, in parallel. A provider that
 * fails is reported as an error for its hosts; the others are still returned,
 * so one unreachable machine never hides the rest of the fleet.
 */
import { toFleetError } from "../errors.ts";
import type { ProviderContext } from "../contracts/provider.ts";
import type { HostSpec, LiveState } from "../model.ts";
import { getProvider } from "../registry.ts";

export async function discoverLive(
  hosts: readonly HostSpec[],
  ctx: ProviderContext,
): Promise<LiveState> {
  const byProvider = new Map<string, HostSpec[]>();
  for (const host of hosts) {
    const group = byProvider.get(host.provider) ?? [];
    group.push(host);
    byProvider.set(host.provider, group);
  }
  const results = await Promise.all(
    [...byProvider].map(async ([providerName, group]): Promise<LiveState> => {
      try {
        const provider = await getProvider(providerName);
        return await provider.discover(group, ctx);
      } catch (error) {
        const json = toFleetError(error).toJSON();
        return {
          hosts: [],
          agents: [],
          errors: group.map((host) => ({ host: host.name, provider: providerName, error: json })),
        };
      }
    }),
  );
  return {
    hosts: results.flatMap((r) => r.hosts),
    agents: results.flatMap((r) => r.agents),
    errors: results.flatMap((r) => r.errors),
  };
}
