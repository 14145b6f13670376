/**
 * `fleet host ls` and `fleet host rm`: the hosts this controller looks at when no
 * fleet file names them (this machine and the remembered ones), each with what
 * discovery finds there, and dropping one from that memory. Forgetting a host
 * changes nothing on it; a remote host with agents is kept unless forced, since
 * its agents would vanish from `fleet list` while still running (a local name's
 * agents are on this machine, which is always read).
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError, usageError, type FleetErrorJson } from "../errors.ts";
import { DEFAULT_HOST, type HostState } from "../model.ts";
import { byText } from "../sort.ts";
import { suggest } from "../suggest.ts";
import { discoverLive } from "./discover.ts";
import { forgetHost, knownHosts, rememberedHosts } from "./known-hosts.ts";
import { LOCAL_PROVIDER } from "./local-hosts.ts";

export interface HostEntry {
  name: string;
  provider: string;
  /** Where it is: the ssh address, the docker image or snapshot; null for local hosts. */
  target: string | null;
  /** False only for `local`, which is always known. */
  remembered: boolean;
  /** Null when the host could not be read. */
  state: HostState | null;
  /** Agents discovery found on it (for a local name: those declared under that name). */
  agents: number;
  error?: FleetErrorJson;
}

export async function listHosts(ctx: ProviderContext): Promise<HostEntry[]> {
  const hosts = await knownHosts(ctx.env);
  const live = await discoverLive(hosts, ctx);
  return hosts
    .map((host): HostEntry => {
      const error = live.errors.find((e) => e.host === host.name)?.error;
      const seen = live.hosts.find((h) => h.name === host.name && h.provider === host.provider);
      return {
        name: host.name,
        provider: host.provider,
        target: targetOf(host.config),
        remembered: host.name !== DEFAULT_HOST.name,
        state: error ? null : (seen?.state ?? "missing"),
        agents: live.agents.filter((a) => a.host === host.name && a.provider === host.provider)
          .length,
        ...(error ? { error } : {}),
      };
    })
    .sort((a, b) => Number(a.remembered) - Number(b.remembered) || byText(a.name, b.name));
}

function targetOf(config: Record<string, unknown>): string | null {
  for (const key of ["address", "snapshot", "image"]) {
    const value = config[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return null;
}

/** Forgets a remembered host; refuses `local` and, unless forced, a host with agents. */
export async function removeHost(
  ctx: ProviderContext,
  name: string,
  options: { force?: boolean } = {},
): Promise<{ host: string; provider: string; agents: number }> {
  if (name === DEFAULT_HOST.name) {
    throw usageError(
      'host "local" is this machine: it is always known and cannot be forgotten',
      "name a remembered host from `fleet host ls`",
    );
  }
  const remembered = await rememberedHosts(ctx.env);
  const host = remembered.find((h) => h.name === name);
  if (!host) {
    const near = suggest(
      name,
      remembered.map((h) => h.name),
    );
    throw new FleetError("HOST_NOT_FOUND", `no remembered host named "${name}"`, {
      hint: near ? `did you mean "${near}"?` : "`fleet host ls` shows the hosts fleet remembers",
    });
  }
  const live = await discoverLive([host], ctx);
  const agents = live.agents.filter((a) => a.host === name && a.provider === host.provider).length;
  if (agents > 0 && host.provider !== LOCAL_PROVIDER && options.force !== true) {
    throw new FleetError(
      "HOST_IN_USE",
      `host ${name} has ${agents} agent${agents === 1 ? "" : "s"} on it; forgetting it would hide ${agents === 1 ? "it" : "them"} from \`fleet list\``,
      {
        hint: `destroy ${agents === 1 ? "it" : "them"} first, or pass --force to forget the host anyway`,
      },
    );
  }
  await forgetHost(ctx.env, name);
  return { host: name, provider: host.provider, agents };
}
