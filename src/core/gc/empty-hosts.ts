/**
 * Hosts fleet made that nothing uses: stopped, owned by no fleet file (a fleet
 * file's hosts are its own to remove, with `fleet destroy`), and holding no
 * agent at all, not even one whose record cannot be read. On docker these are
 * the stopped containers `fleet create --snapshot` left. Removed under the
 * host's lock after looking again, then forgotten.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import type { HostSpec, LiveState } from "../model.ts";
import { getProvider } from "../registry.ts";
import { forgetHost } from "../state/known-hosts.ts";
import { drop, type GcItem } from "./gc-item.ts";

export async function findEmptyHosts(
  hosts: readonly HostSpec[],
  live: LiveState,
  ctx: ProviderContext,
): Promise<GcItem[]> {
  const items: GcItem[] = [];
  for (const seen of live.hosts) {
    if (seen.state !== "stopped" || seen.fleet !== null) continue;
    const spec = hosts.find((h) => h.name === seen.name && h.provider === seen.provider);
    if (spec === undefined) continue;
    const used =
      live.agents.some((a) => a.host === seen.name) ||
      live.errors.some((e) => e.host === seen.name);
    if (used) continue;
    const provider = await getProvider(spec.provider);
    if (!provider.capabilities.manageHost) continue;
    items.push(
      drop(
        "container",
        `${seen.name} (${seen.provider})`,
        "stopped, no agents, no fleet file owns it",
        async () => {
          const release = await provider.lock(spec, ctx);
          try {
            const now = await provider.discover([spec], ctx);
            const host = now.hosts.find((h) => h.name === spec.name);
            if (host?.state !== "stopped" || now.agents.length > 0 || now.errors.length > 0) {
              return false;
            }
            await provider.destroyHost(spec, ctx);
          } finally {
            await release();
          }
          await forgetHost(ctx.env, spec.name);
          return true;
        },
      ),
    );
  }
  return items;
}
