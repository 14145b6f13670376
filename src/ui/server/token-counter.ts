/**
 * Tokens used per agent, for the dashboard, read from each agent's own records
 * as `fleet usage` reads them. Reading records costs a host round trip per
 * agent, so it is done aside from the live list: for an agent that has been
 * active since its last count, at most every `everyMs`. Types that keep no
 * records (command) are never read.
 */
import type { ProviderContext } from "../../core/contracts/provider.ts";
import type { HostSpec, LiveAgent } from "../../core/model.ts";
import { fleetUsage, type UsageTarget } from "../../core/actions/usage.ts";
import { getProvider } from "../../core/registry.ts";
import type { TokensView } from "./agent-view.ts";

const TYPES_WITH_RECORDS = new Set(["claude", "codex", "opencode"]);

interface Count {
  tokens: TokensView | undefined;
  readAt: number;
  /** The activity the count was read after. */
  activeAt: number | undefined;
}

export class TokenCounter {
  private readonly counts = new Map<string, Count>();
  private busy = false;
  private stopped = false;

  private readonly ctx: ProviderContext;
  private readonly onChange: () => void;
  private readonly everyMs: number;

  constructor(ctx: ProviderContext, onChange: () => void, everyMs = 15_000) {
    this.ctx = ctx;
    this.onChange = onChange;
    this.everyMs = everyMs;
  }

  usageOf(agent: LiveAgent): TokensView | undefined {
    return this.counts.get(key(agent))?.tokens;
  }

  /** Starts a count of the agents that are due one, unless one is under way. */
  track(agents: readonly LiveAgent[], hosts: readonly HostSpec[]): void {
    if (this.busy || this.stopped) return;
    const now = Date.now();
    const due = agents.filter((agent) => {
      if (!TYPES_WITH_RECORDS.has(agent.spec.agent)) return false;
      const count = this.counts.get(key(agent));
      if (count === undefined) return true;
      return count.activeAt !== agent.lastActivity && now - count.readAt >= this.everyMs;
    });
    if (due.length === 0) return;
    this.busy = true;
    void this.count(due, hosts).finally(() => (this.busy = false));
  }

  stop(): void {
    this.stopped = true;
  }

  private async count(agents: readonly LiveAgent[], hosts: readonly HostSpec[]): Promise<void> {
    const targets: UsageTarget[] = [];
    for (const agent of agents) {
      const host = hosts.find((h) => h.name === agent.host);
      if (host === undefined) continue;
      const provider = await getProvider(host.provider);
      targets.push({
        name: agent.name,
        host: agent.host,
        fleet: agent.fleet,
        handle: { provider, host, ctx: this.ctx },
      });
    }
    const usage = await fleetUsage(targets).catch(() => undefined);
    if (usage === undefined || this.stopped) return;
    let changed = false;
    const readAt = Date.now();
    for (const agent of agents) {
      const row = usage.agents.find((r) => r.agent === agent.name && r.host === agent.host);
      const tokens = row?.status === "ok" ? { ...row.usage } : undefined;
      const before = this.counts.get(key(agent));
      if (JSON.stringify(before?.tokens) !== JSON.stringify(tokens)) changed = true;
      this.counts.set(key(agent), { tokens, readAt, activeAt: agent.lastActivity });
    }
    if (changed) this.onChange();
  }
}

const key = (agent: LiveAgent): string => `${agent.host}/${agent.name}/${agent.createdAt}`;
