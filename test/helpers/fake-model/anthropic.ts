/**
 * The Anthropic Messages API as Claude Code uses it: `POST /v1/messages`, streaming
 * (message_start, content blocks with text or tool_use deltas, message_delta with the
 * stop reason and usage, message_stop), or one JSON message when `stream` is false.
 */
import type { ServerResponse } from "node:http";
import {
  chunks,
  contentText,
  modelOf,
  sharedFacts,
  type Reply,
  type RequestFacts,
  type ToolCall,
} from "./replies.ts";
import { pause, sendEvent, startSse } from "./sse.ts";

interface AnthropicMessage {
  role?: unknown;
  content?: unknown;
}

export function anthropicFacts(body: Record<string, unknown>): RequestFacts {
  const messages = Array.isArray(body.messages) ? (body.messages as AnthropicMessage[]) : [];
  const users = messages.filter((m) => m.role === "user");
  const last = users.at(-1);
  const lastParts = Array.isArray(last?.content) ? (last.content as { type?: unknown }[]) : [];
  return {
    ...sharedFacts(body, users),
    afterToolResult: lastParts.some((part) => part.type === "tool_result"),
    system: contentText(body.system),
  };
}

/** Claude Code's shell tool. */
export const anthropicShellCall = (command: string): ToolCall => ({
  name: "Bash",
  input: { command, description: "Run the scripted command" },
});

export async function anthropicReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
  usage: { input: number; output: number },
  id: number,
): Promise<void> {
  const model = modelOf(body);
  const block =
    reply.kind === "text"
      ? { type: "text", text: reply.text }
      : { type: "tool_use", id: `toolu_fake${id}`, name: reply.name, input: reply.input };
  const stopReason = reply.kind === "text" ? "end_turn" : "tool_use";
  const message = {
    id: `msg_fake${id}`,
    type: "message",
    role: "assistant",
    model,
    stop_sequence: null,
  };
  const usageJson = { input_tokens: usage.input, output_tokens: usage.output };
  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ ...message, content: [block], stop_reason: stopReason, usage: usageJson }),
    );
    return;
  }
  startSse(res);
  const send = (data: Record<string, unknown> & { type: string }) =>
    sendEvent(res, data, data.type);
  send({
    type: "message_start",
    message: {
      ...message,
      content: [],
      stop_reason: null,
      usage: { ...usageJson, output_tokens: 1 },
    },
  });
  if (reply.kind === "text") {
    send({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    for (const piece of chunks(reply.text, reply.chunkDelayMs > 0)) {
      await pause(reply.chunkDelayMs);
      send({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } });
    }
  } else {
    send({ type: "content_block_start", index: 0, content_block: { ...block, input: {} } });
    const partial = JSON.stringify(reply.input);
    send({
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: partial },
    });
  }
  send({ type: "content_block_stop", index: 0 });
  send({
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.output },
  });
  send({ type: "message_stop" });
  res.end();
}
