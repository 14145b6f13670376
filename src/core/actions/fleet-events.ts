/**
 * `fleet events`: one stream of the events of every agent fleet can see (or of
 * one), oldest first, merged by time, with the hosts' events the controller
 * recorded. Agents of a stopped docker host are read from its container's files
 * without starting it. Everything returned came from hosts: callers escape it
 * where they print it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ProviderContext } from "../contracts/provider.ts";
import { isFleetError, type FleetErrorJson } from "../errors.ts";
import { readJournal } from "../events/journal.ts";
import {
  readSources,
  readsStopped,
  sourcesFor,
  type AgentSource,
  type SourceRead,
} from "../events/event-sources.ts";
import { byTime, type FleetEvent } from "../events/fleet-event.ts";
import type { LiveState } from "../model.ts";
import { resolveAgent } from "../state/resolve-agent.ts";
import { readLive } from "./agent-target.ts";

export interface EventsRequest {
  /** NAME or NAME@HOST: only this agent's events (and no host's). */
  agent?: string;
  /** Only events at or after this time (epoch ms). */
  since?: number;
}

export interface EventsResult {
  events: FleetEvent[];
  /** Hosts that could not be read: their agents' events are missing. */
  errors: { host: string; provider: string; error: FleetErrorJson }[];
}

/** Told about lines that were not events (dropped) and hosts that could not be read. */
export type EventsNotice =
  | { kind: "dropped"; agent: string; lines: number }
  | { kind: "unreadable"; host: string; message: string };

class EventStream {
  private sources: AgentSource[] = [];
  private stopped = new Set<AgentSource>();
  /** The newest journal time read, and how many events of that time: trimming keeps the newest. */
  private journalSeen = { ts: "", count: 0 };
  /** The one agent asked for, once found. */
  private single: { name: string; host: string } | undefined;

  private readonly ctx: ProviderContext;
  private readonly request: EventsRequest;
  private readonly notice: (notice: EventsNotice) => void;

  constructor(
    ctx: ProviderContext,
    request: EventsRequest,
    notice: (notice: EventsNotice) => void,
  ) {
    this.ctx = ctx;
    this.request = request;
    this.notice = notice;
  }

  /** Finds the agents (again), keeping the offsets of those already read. */
  async discover(): Promise<{ live: LiveState }> {
    const { live, hosts } = await readLive(this.ctx);
    const wanted =
      this.request.agent === undefined
        ? live.agents
        : [resolveAgent(this.request.agent, live, hosts).agent];
    if (this.request.agent !== undefined && wanted[0]) {
      this.single = { name: wanted[0].name, host: wanted[0].host };
    }
    const fresh = await sourcesFor(
      wanted,
      (agent) => resolveAgent(`${agent.name}@${agent.host}`, live, hosts).host,
      this.ctx,
    );
    const known = new Map(this.sources.map((s) => [`${s.name}@${s.host}`, s]));
    this.sources = fresh.map((source) => known.get(`${source.name}@${source.host}`) ?? source);
    this.stopped = new Set(this.sources.filter((source) => readsStopped(source, live)));
    // One agent's stream needs only its own host, which was just read.
    for (const { host, error, agent } of this.request.agent === undefined ? live.errors : []) {
      if (agent === undefined) this.notice({ kind: "unreadable", host, message: error.message });
    }
    return { live };
  }

  private newInJournal(journal: readonly FleetEvent[]): FleetEvent[] {
    const { ts, count } = this.journalSeen;
    let atSeen = 0;
    const fresh = journal.filter((event) => {
      if (event.ts !== ts) return event.ts > ts;
      atSeen++;
      return atSeen > count;
    });
    const newest = journal.at(-1)?.ts;
    if (newest !== undefined && newest >= ts) {
      this.journalSeen = { ts: newest, count: journal.filter((e) => e.ts === newest).length };
    }
    return fresh;
  }

  /** The agent's own journal events (its destroy), and none of its host's. */
  private isSingle(event: FleetEvent): boolean {
    return event.agent === this.single?.name && event.host === this.single.host;
  }

  /** What every agent (and the host journal) gained since the last read, oldest first. */
  async read(options: { skipStopped: boolean }): Promise<SourceRead & { ended: boolean }> {
    const sources = options.skipStopped
      ? this.sources.filter((source) => !this.stopped.has(source) || source.offset === undefined)
      : this.sources;
    const read = await readSources(sources, this.stopped);
    const fresh = this.newInJournal(await readJournal(this.ctx.env));
    read.events.push(...fresh.filter((event) => this.single === undefined || this.isSingle(event)));
    const gone = new Set(read.gone);
    this.sources = this.sources.filter((source) => !gone.has(source));
    for (const [agent, lines] of read.dropped) this.notice({ kind: "dropped", agent, lines });
    for (const { host, error } of read.errors) {
      this.notice({ kind: "unreadable", host, message: error.message });
    }
    const since = this.request.since;
    read.events = read.events
      .filter((event) => since === undefined || Date.parse(event.ts) >= since)
      .sort(byTime);
    return { ...read, ended: this.request.agent !== undefined && this.sources.length === 0 };
  }
}

export async function readFleetEvents(
  ctx: ProviderContext,
  request: EventsRequest = {},
  notice: (notice: EventsNotice) => void = () => undefined,
): Promise<EventsResult> {
  const stream = new EventStream(ctx, request, notice);
  const { live } = await stream.discover();
  const read = await stream.read({ skipStopped: false });
  const hostErrors =
    request.agent === undefined ? live.errors.filter((error) => error.agent === undefined) : [];
  return {
    events: read.events,
    errors: [
      ...hostErrors.map(({ host, provider, error }) => ({ host, provider, error })),
      ...read.errors,
    ],
  };
}

export interface FollowOptions {
  signal?: AbortSignal;
  /** How often the logs are read (default 1 s). */
  intervalMs?: number;
  /** How often agents and hosts are looked for again (default 5 s). */
  discoverMs?: number;
}

/**
 * The events there are, then each new one as it comes, until `signal` aborts or
 * (for one agent) the agent is destroyed. New agents join at their first event;
 * a host that stops is read from its files.
 */
export async function* followFleetEvents(
  ctx: ProviderContext,
  request: EventsRequest = {},
  notice: (notice: EventsNotice) => void = () => undefined,
  options: FollowOptions = {},
): AsyncGenerator<FleetEvent> {
  const stream = new EventStream(ctx, request, notice);
  await stream.discover();
  const interval = options.intervalMs ?? 1000;
  const rediscover = options.discoverMs ?? 5000;
  let lastDiscovery = Date.now();
  for (;;) {
    const read = await stream.read({ skipStopped: true });
    yield* read.events;
    if (read.ended || options.signal?.aborted) return;
    try {
      await sleep(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return; // Aborted while waiting.
    }
    if (Date.now() - lastDiscovery >= rediscover || read.errors.length > 0) {
      try {
        await stream.discover();
      } catch (error) {
        // The one agent asked for is gone from every host: destroyed.
        if (request.agent !== undefined && isFleetError(error) && error.code === "AGENT_NOT_FOUND")
          return;
        throw error;
      }
      lastDiscovery = Date.now();
    }
  }
}
