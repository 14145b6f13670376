/**
 * Reading an agent's conversation from its CLI's own records (Claude Code's
 * session files, Codex's rollouts, OpenCode's database): the agent type's script
 * prints them on the host, over whatever transport the host has, and its parser
 * reads them here. What the host prints is bounded (the last MAX_RECORD_BYTES)
 * and parsed defensively: hosts are untrusted.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentRecords } from "../contracts/agent-type.ts";
import type { Conversation, Turn } from "../contracts/conversation.ts";
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { getAgentType } from "../registry.ts";
import { agentPaths } from "./agent-record.ts";
import type { HostHandle } from "./handle.ts";
import { requireAgent } from "./read-agent.ts";

/** The most of the records' raw text read from a host, from their end. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** An agent's records, read: the conversation, or why there is none to show. */
export type RecordsResult =
  | { kind: "records"; type: string; conversation: Conversation }
  /** Its type keeps no records (`command`, or a type this fleet does not know). */
  | { kind: "none"; type: string }
  /** It keeps records, but they could not be read (a missing tool, an unreadable file). */
  | { kind: "unreadable"; type: string; reason: string };

interface RecordsSource {
  transport: Transport;
  type: string;
  dir: string;
  records: AgentRecords | undefined;
  script: string;
}

async function recordsSource(h: HostHandle, name: string): Promise<RecordsSource> {
  const agent = await requireAgent(h, name);
  const spec = agent.record.spec;
  const dir = agentPaths(agent.transport.fleetDir, name).dir;
  const type = await getAgentType(spec.agent).catch(() => undefined);
  const records = type?.records;
  const inner = records?.script(spec, { workdir: agent.record.workdir, agentDir: dir }) ?? "";
  const home = spec.env.HOME;
  const script = [
    `[ -d ${q(dir)} ] || { echo @@fleet:gone; exit 0; }`,
    `cd ${q(agent.record.workdir)} 2>/dev/null || cd /`,
    `FLEET_AGENT_DIR=${q(dir)}; export FLEET_AGENT_DIR`,
    ...(home !== undefined && home.startsWith("/") ? [`HOME=${q(home)}; export HOME`] : []),
    `( ${inner}\n) | tail -c ${MAX_RECORD_BYTES}`,
    "exit 0",
  ].join("\n");
  return { transport: agent.transport, type: spec.agent, dir, records, script };
}

const UNREADABLE = /^@@fleet:unreadable (.*)$/m;

async function readFrom(source: RecordsSource): Promise<RecordsResult | "gone"> {
  if (!source.records) return { kind: "none", type: source.type };
  const result = await source.transport.script(source.script);
  if (result.stdout.startsWith("@@fleet:gone")) return "gone";
  if (result.code !== 0) {
    const reason = result.stderr.trim().split("\n").at(-1) ?? `exit code ${result.code}`;
    return { kind: "unreadable", type: source.type, reason };
  }
  const unreadable = UNREADABLE.exec(result.stdout)?.[1];
  if (unreadable !== undefined)
    return { kind: "unreadable", type: source.type, reason: unreadable };
  try {
    return {
      kind: "records",
      type: source.type,
      conversation: source.records.parse(result.stdout),
    };
  } catch (error) {
    // A parser is written to never throw; if one does, the records are unreadable, not fleet.
    return { kind: "unreadable", type: source.type, reason: `could not parse: ${String(error)}` };
  }
}

/** The agent's conversation from its own records (or why there is none). */
export async function readConversation(h: HostHandle, name: string): Promise<RecordsResult> {
  const read = await readFrom(await recordsSource(h, name));
  return read === "gone" ? { kind: "unreadable", type: "", reason: "the agent is gone" } : read;
}

/** What identifies a turn across reads (a tool turn's result may come later). */
const turnKey = (turn: Turn): string =>
  JSON.stringify([turn.at, turn.role, turn.tool ?? turn.text]);

/**
 * Turns added to the records from now on, as they come, until the agent is
 * destroyed or `signal` aborts. `after` is what the caller has shown already. A
 * tool call is held back until its result is in or a later turn follows.
 */
export async function* followConversation(
  h: HostHandle,
  name: string,
  after: readonly Turn[],
  options: { signal?: AbortSignal; intervalMs?: number } = {},
): AsyncGenerator<Turn> {
  const source = await recordsSource(h, name);
  let last = after.at(-1);
  while (!options.signal?.aborted) {
    const read = await readFrom(source);
    if (read === "gone") return;
    if (read.kind === "records") {
      const turns = read.conversation.turns;
      const lastKey = last === undefined ? undefined : turnKey(last);
      const found = lastKey === undefined ? -1 : turns.findLastIndex((t) => turnKey(t) === lastKey);
      if (lastKey !== undefined && found < 0) {
        // The records were cut or replaced: go on from their end.
        last = turns.at(-1);
      } else {
        const tail = turns.at(-1);
        const end = tail?.role === "tool" && tail.text === "" ? turns.length - 1 : turns.length;
        for (const turn of turns.slice(found + 1, Math.max(found + 1, end))) {
          yield turn;
          last = turn;
        }
      }
    }
    try {
      await sleep(
        options.intervalMs ?? 1000,
        undefined,
        options.signal ? { signal: options.signal } : {},
      );
    } catch {
      return; // Aborted while waiting.
    }
  }
}
