/**
 * `fleet transcript` and the MCP `read_transcript` tool: what an agent said and
 * did, from its CLI's own records when its type keeps them, else (or when asked)
 * what its terminal printed, or one of its services' output. Everything returned
 * came from the host: callers escape it where they print it.
 */
import type { Turn } from "../contracts/conversation.ts";
import type { ProviderContext } from "../contracts/provider.ts";
import { readConversation } from "../host/records.ts";
import { readTranscript } from "../host/transcript.ts";
import { type AgentTarget, findAgent } from "./agent-target.ts";

export interface TranscriptRequest {
  /** Lines of terminal or service output to keep from the end (turns: see lastTurns). */
  tail?: number;
  /** The terminal's text even when the agent's type keeps records. */
  terminal?: boolean;
  /** A service's output instead of the agent's. */
  service?: string;
  /**
   * Told why, before the terminal is read instead, when the type keeps records
   * but they could not be read. May throw, to refuse the terminal's text.
   */
  onRecordsUnreadable?: (why: string) => void;
}

export type AgentTranscript =
  /** Every turn of the conversation, oldest first. */
  | { source: "records"; target: AgentTarget; turns: Turn[] }
  | {
      source: "terminal";
      target: AgentTarget;
      /** The terminal's (or the service's) text, `tail` lines at most. */
      transcript: string;
      service?: string;
      /** Set when the type keeps records but they could not be read: why. */
      recordsUnreadable?: string;
    };

export async function readAgentTranscript(
  ref: string,
  ctx: ProviderContext,
  request: TranscriptRequest = {},
): Promise<AgentTranscript> {
  const target = await findAgent(ref, ctx);
  let recordsUnreadable: string | undefined;
  if (request.service === undefined && request.terminal !== true) {
    const read = await readConversation(target.handle, target.agent.name);
    if (read.kind === "records") {
      return { source: "records", target, turns: read.conversation.turns };
    }
    if (read.kind === "unreadable") {
      recordsUnreadable = `the records of agent ${target.agent.name} (${read.type}) could not be read: ${read.reason}`;
      request.onRecordsUnreadable?.(recordsUnreadable);
    }
  }
  const which = request.service === undefined ? {} : { service: request.service };
  const transcript = await readTranscript(target.handle, target.agent.name, {
    ...which,
    ...(request.tail === undefined ? {} : { tail: request.tail }),
  });
  return {
    source: "terminal",
    target,
    transcript,
    ...which,
    ...(recordsUnreadable === undefined ? {} : { recordsUnreadable }),
  };
}

/** The last `tail` turns (all of them without a tail). */
export const lastTurns = (turns: readonly Turn[], tail: number | undefined): Turn[] =>
  tail === undefined ? [...turns] : turns.slice(Math.max(0, turns.length - tail));
