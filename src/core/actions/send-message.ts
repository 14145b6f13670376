/**
 * `fleet message` and the MCP `send_message` tool: a stopped (or missing) agent
 * is started first, under its host's lock; the message is then delivered without
 * the lock, since it may wait for the agent's turn to end, and the agent's queue
 * on its host keeps concurrent messages in order (src/core/host/delivery-turns.ts).
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { usageError } from "../errors.ts";
import type { DeliveryPayload } from "../host/delivery.ts";
import { sendMessage } from "../host/message.ts";
import { wakeAgent } from "../idle/wake-host.ts";
import {
  assertKeyNames,
  assertTypeable,
  characterCount,
  normalizeLineEnds,
} from "../text/message-check.ts";
import { findAgent, withHostLock } from "./agent-target.ts";

/**
 * A message as the user wrote it, made ready to type: CRLF become LF, trailing
 * newlines go (Enter is pressed anyway); an empty message or one with control
 * characters is refused before any agent is looked up. `what` names it in errors.
 */
export function textPayload(text: string, what = "the message"): DeliveryPayload {
  const message = normalizeLineEnds(text).replace(/\n+$/, "");
  if (message.trim() === "") throw usageError("the message is empty");
  assertTypeable(message, what);
  return { kind: "text", text: message };
}

/** Named tmux keys to press instead of text (`--keys`); unknown names are refused. */
export function keysPayload(keys: readonly string[]): DeliveryPayload {
  assertKeyNames(keys);
  return { kind: "keys", keys: [...keys] };
}

export interface SendMessageOptions {
  /** How long the message may wait while the agent works. */
  waitMs: number;
  /** That wait as the caller wrote it ("10m"), for the notice that it waits. */
  waitWords: string;
  /** Where secrets come from when the agent has to be started (default: this process's env). */
  env?: NodeJS.ProcessEnv;
}

export interface SentMessage {
  agent: string;
  host: string;
  /** Characters typed (text), or the keys pressed. */
  chars?: number;
  keys?: string[];
  /** The agent was stopped or missing and was started to take the message. */
  started: boolean;
}

export async function sendMessageTo(
  ref: string,
  payload: DeliveryPayload,
  ctx: ProviderContext,
  options: SendMessageOptions,
): Promise<SentMessage> {
  const { agent, handle } = await findAgent(ref, ctx);
  // A finished agent is not woken: its process exited, and sendMessage says so.
  const wasStopped = agent.state === "STOPPED" || agent.state === "MISSING";
  if (wasStopped) {
    await withHostLock(handle, async () => {
      ctx.io.notify({
        level: "info",
        code: "message.start",
        message: `starting ${agent.name} (${agent.state}) first...`,
      });
      await wakeAgent(handle, agent, options.env ?? process.env);
    });
  }
  await sendMessage(handle, agent.name, payload, {
    waitMs: options.waitMs,
    onWait: (name) =>
      ctx.io.notify({
        level: "info",
        code: "message.wait",
        message: `${name} is working: the message waits for its turn to end (up to ${options.waitWords})...`,
      }),
  });
  return {
    agent: agent.name,
    host: agent.host,
    ...(payload.kind === "text" ? { chars: characterCount(payload.text) } : { keys: payload.keys }),
    started: wasStopped,
  };
}
