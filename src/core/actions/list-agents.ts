/**
 * `fleet list` and the MCP `list_agents` tool: the live agents of every host this
 * controller knows, filtered, sorted by host then name, with the hosts (and the
 * untrusted records) that could not be read, and warnings for filters that name
 * nothing. Each agent's labels include its `owner` (src/core/owners).
 */
import type { ProviderContext } from "../contracts/provider.ts";
import type { HostError, LiveAgent } from "../model.ts";
import { byText } from "../sort.ts";
import { type AgentFilter, filterAgents, unknownFilterWarnings } from "../state/agent-filter.ts";
import { readLive } from "./agent-target.ts";
import { withOwnerLabels } from "../owners/owner-store.ts";

export interface AgentListing {
  agents: LiveAgent[];
  /** Hosts that could not be read, and agents whose record is TAMPERED or UNREADABLE. */
  errors: HostError[];
  /** A `host` or `fleet` filter that names nothing known. */
  warnings: string[];
}

export async function listAgents(ctx: ProviderContext, filter: AgentFilter): Promise<AgentListing> {
  const { live, hosts } = await readLive(ctx);
  // Owners are the controller's, added here so `-l owner=ana` selects by them too.
  const owned = withOwnerLabels(ctx.env.home, live.agents);
  const agents = filterAgents(owned, filter).sort(
    (a, b) => byText(a.host, b.host) || byText(a.name, b.name),
  );
  const errors = live.errors.filter((e) => filter.host === undefined || e.host === filter.host);
  return { agents, errors, warnings: unknownFilterWarnings(filter, live, hosts) };
}

/** The state column of an agent whose record cannot be trusted. */
export const untrustedState = (error: HostError): "TAMPERED" | "UNREADABLE" =>
  error.error.code === "RECORD_TAMPERED" ? "TAMPERED" : "UNREADABLE";
