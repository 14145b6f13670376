/**
 * Where `fleet events` reads each agent's log and how far it has read: one round
 * trip per running host for all its agents (from the byte each was last read to),
 * and, for a stopped docker host, its container's files read without starting it.
 * Only whole lines are taken; a line still being written is read again next time.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { toFleetError, type FleetErrorJson } from "../errors.ts";
import { agentPaths } from "../host/agent-record.ts";
import { MAX_EVENT_BYTES, readEventChunks } from "../host/event-chunks.ts";
import type { HostHandle } from "../host/handle.ts";
import type { HostSpec, LiveAgent, LiveState } from "../model.ts";
import { getProvider } from "../registry.ts";
import { checkEventLines } from "./event-check.ts";
import type { FleetEvent } from "./fleet-event.ts";

export interface AgentSource {
  name: string;
  /** The agent's host as the agent reports it (its record's name). */
  host: string;
  handle: HostHandle;
  /** Bytes of whole lines read so far; undefined until the first read. */
  offset: number | undefined;
}

export interface SourceRead {
  events: FleetEvent[];
  /** Lines that were not valid events, per agent (`name@host`). */
  dropped: Map<string, number>;
  /** Hosts that could not be read this time. */
  errors: { host: string; provider: string; error: FleetErrorJson }[];
  /** Agents whose dir is gone: destroyed. */
  gone: AgentSource[];
}

export async function sourcesFor(
  agents: readonly LiveAgent[],
  hostOf: (agent: LiveAgent) => HostSpec,
  ctx: ProviderContext,
): Promise<AgentSource[]> {
  return Promise.all(
    agents.map(async (agent) => {
      const host = hostOf(agent);
      return {
        name: agent.name,
        host: agent.host,
        handle: { provider: await getProvider(host.provider), host, ctx },
        offset: undefined,
      };
    }),
  );
}

/** True when the agent's host is a stopped one whose files can be read as they are. */
export function readsStopped(source: AgentSource, live: LiveState): boolean {
  const host = live.hosts.find((h) => h.name === source.handle.host.name);
  return host?.state === "stopped" && source.handle.provider.readStoppedFile !== undefined;
}

/**
 * Reads what each source gained since its offset (its last MAX_EVENT_BYTES the
 * first time), moving the offsets on. `stopped` sources are read from their
 * stopped host's files.
 */
export async function readSources(
  sources: readonly AgentSource[],
  stopped: ReadonlySet<AgentSource>,
): Promise<SourceRead> {
  const read: SourceRead = { events: [], dropped: new Map(), errors: [], gone: [] };
  const byHost = new Map<string, AgentSource[]>();
  for (const source of sources) {
    const key = source.handle.host.name;
    byHost.set(key, [...(byHost.get(key) ?? []), source]);
  }
  await Promise.all(
    [...byHost.values()].map(async (group) => {
      const first = group[0];
      if (!first) return;
      try {
        const fromStopped = group.filter((source) => stopped.has(source));
        const running = group.filter((source) => !stopped.has(source));
        for (const source of fromStopped) await readStoppedSource(source, read);
        if (running.length > 0) await readRunningSources(first.handle, running, read);
      } catch (error) {
        read.errors.push({
          host: first.handle.host.name,
          provider: first.handle.provider.name,
          error: toFleetError(error).toJSON(),
        });
      }
    }),
  );
  return read;
}

async function readRunningSources(
  handle: HostHandle,
  group: readonly AgentSource[],
  read: SourceRead,
): Promise<void> {
  const transport = await handle.provider.transport(handle.host, handle.ctx);
  const chunks = await readEventChunks(
    transport,
    group.map((source) => ({ name: source.name, from: source.offset ?? "tail" })),
  );
  for (const source of group) {
    const chunk = chunks.get(source.name);
    if (chunk === undefined) continue; // Cut short: read again next time.
    if (!chunk.exists) {
      read.gone.push(source);
      continue;
    }
    take(source, chunk.offset, chunk.bytes, read);
  }
}

async function readStoppedSource(source: AgentSource, read: SourceRead): Promise<void> {
  const { handle } = source;
  const file = agentPaths(".", source.name).events.slice(2);
  const whole = (await handle.provider.readStoppedFile?.(handle.host, file, handle.ctx)) ?? null;
  if (whole === null) {
    source.offset ??= 0;
    return;
  }
  const from = source.offset ?? Math.max(0, whole.length - MAX_EVENT_BYTES);
  // The log shrank (replaced): read it again from its start.
  const offset = from > whole.length ? 0 : from;
  take(source, offset, whole.subarray(offset), read);
}

/** Takes the whole lines of bytes read at offset, and moves the source on past them. */
function take(source: AgentSource, offset: number, bytes: Buffer, read: SourceRead): void {
  const fresh = source.offset === undefined;
  const end = bytes.lastIndexOf(0x0a) + 1;
  let start = 0;
  // A first read that begins mid-log begins mid-line: that line is not whole.
  if (fresh && offset > 0) start = bytes.indexOf(0x0a) + 1;
  source.offset = offset + end;
  if (end <= start) return;
  const { events, dropped } = checkEventLines(bytes.subarray(start, end).toString("utf8"));
  if (dropped > 0) {
    const key = `${source.name}@${source.host}`;
    read.dropped.set(key, (read.dropped.get(key) ?? 0) + dropped);
  }
  for (const event of events) {
    read.events.push({
      ts: event.ts,
      type: event.type,
      agent: source.name,
      host: source.host,
      ...event.facts,
    });
  }
}
