/**
 * Agents' states for discover_agents, read from the hosts (fleet keeps no
 * database) and kept for two seconds, so that agents asking at once cost one
 * discovery, not one each.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { discoverLive } from "../state/discover.ts";
import { knownHosts } from "../state/known-hosts.ts";

const FRESH_MS = 2000;

/** States by address, and the hosts that could not be read (their agents' states are unknown). */
export interface LiveStates {
  states: ReadonlyMap<string, string>;
  unreachable: ReadonlySet<string>;
}

export function liveStateReader(ctx: ProviderContext): () => Promise<LiveStates> {
  let cached: { at: number; states: Promise<LiveStates> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > FRESH_MS) {
      const states = (async () => {
        const live = await discoverLive(await knownHosts(ctx.env), ctx);
        return {
          states: new Map(live.agents.map((agent) => [`${agent.name}@${agent.host}`, agent.state])),
          unreachable: new Set(live.errors.map((error) => error.host)),
        };
      })();
      // A failed read is not kept: the next caller tries again.
      states.catch(() => (cached = undefined));
      cached = { at: Date.now(), states };
    }
    return cached.states;
  };
}
