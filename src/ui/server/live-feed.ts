/**
 * The dashboard's live list: the server reads every known host with fleet's own
 * discovery (one round per host, in parallel), as `fleet list` does, and tells
 * the pages only when something changed. Pages never poll hosts. A round runs
 * every `intervalMs`, and at once after the page (or anything else) asks for it,
 * so an action's effect shows without waiting for the next round.
 */
import type { ProviderContext } from "../../core/contracts/provider.ts";
import type { LiveAgent } from "../../core/model.ts";
import { readLive } from "../../core/actions/agent-target.ts";
import { byText } from "../../core/sort.ts";
import { toFleetError } from "../../core/errors.ts";
import { type AgentView, agentView, type ProblemView, problemView } from "./agent-view.ts";
import { TokenCounter } from "./token-counter.ts";
import { withOwnerLabels } from "../../core/owners/owner-store.ts";

export interface FeedSnapshot {
  agents: AgentView[];
  problems: ProblemView[];
  /** Counts the changes since the server started. */
  version: number;
  /** When the hosts were last read (ISO). */
  readAt: string;
}

export type FeedListener = (snapshot: FeedSnapshot) => void;

export interface LiveFeedOptions {
  intervalMs: number;
  /** Each round's live agents, changed or not (the notifier looks at them). */
  onRound?: (agents: readonly LiveAgent[]) => Promise<void> | void;
  /** A round that failed as a whole (not one host: those are problems on the page). */
  onError?: (message: string) => void;
}

export class LiveFeed {
  private snapshot: FeedSnapshot = { agents: [], problems: [], version: 0, readAt: "" };
  private readonly listeners = new Set<FeedListener>();
  private readonly tokens: TokenCounter;
  private wake: (() => void) | undefined;
  private again = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private firstRound: Promise<void>;
  private firstDone: (() => void) | undefined;

  private readonly ctx: ProviderContext;
  private readonly options: LiveFeedOptions;

  constructor(ctx: ProviderContext, options: LiveFeedOptions) {
    this.ctx = ctx;
    this.options = options;
    this.tokens = new TokenCounter(ctx, () => this.refreshSoon());
    this.firstRound = new Promise((resolve) => (this.firstDone = resolve));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.tokens.stop();
  }

  /** The list as last read; waits for the first round. */
  async current(): Promise<FeedSnapshot> {
    await this.firstRound;
    return this.snapshot;
  }

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the hosts again now (or right after the round under way). */
  refreshSoon(): void {
    this.again = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.again = false;
      await this.round();
      this.firstDone?.();
      this.firstDone = undefined;
      if (!this.running) break;
      if (this.again) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async round(): Promise<void> {
    try {
      const { live, hosts } = await readLive(this.ctx);
      this.tokens.track(live.agents, hosts);
      // Owners are the controller's (fleet handoff): shown as the `owner` label, as fleet list does.
      const agents = withOwnerLabels(this.ctx.env.home, live.agents)
        .map((a) => agentView(a, this.tokens.usageOf(a)))
        .sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
      const problems = live.errors.map(problemView);
      this.publish(agents, problems);
      await this.options.onRound?.(live.agents);
    } catch (error) {
      this.options.onError?.(toFleetError(error).message);
    }
  }

  private publish(agents: AgentView[], problems: ProblemView[]): void {
    const readAt = new Date().toISOString();
    const before = this.snapshot;
    const same =
      before.version > 0 &&
      JSON.stringify(before.agents) === JSON.stringify(agents) &&
      JSON.stringify(before.problems) === JSON.stringify(problems);
    if (same) {
      this.snapshot = { ...before, readAt };
      return;
    }
    this.snapshot = { agents, problems, version: before.version + 1, readAt };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
