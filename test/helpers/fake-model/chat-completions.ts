/**
 * OpenAI-compatible chat completions as OpenCode uses them: `POST
 * /v1/chat/completions`, streaming chunks, a final chunk with `finish_reason`, a
 * usage chunk (when `stream_options.include_usage`), then `[DONE]`; tool calls in
 * `delta.tool_calls`. Without `stream`, one JSON completion.
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

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

export function chatFacts(body: Record<string, unknown>): RequestFacts {
  const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
  const users = messages.filter((m) => m.role === "user");
  return {
    ...sharedFacts(body, users),
    afterToolResult: messages.at(-1)?.role === "tool",
    system: messages
      .filter((m) => m.role === "system")
      .map((m) => contentText(m.content))
      .join("\n"),
  };
}

/** OpenCode's shell tool. */
export const chatShellCall = (command: string): ToolCall => ({
  name: "bash",
  input: { command, description: "Run the scripted command" },
});

export async function chatReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
  usage: { input: number; output: number },
  id: number,
): Promise<void> {
  const model = modelOf(body);
  const base = {
    id: `chatcmpl-fake${id}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
  };
  const usageJson = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
  const toolCall = {
    index: 0,
    id: `call_fake${id}`,
    type: "function",
    function: {
      name: reply.kind === "tool" ? reply.name : "",
      arguments: JSON.stringify(reply.kind === "tool" ? reply.input : {}),
    },
  };
  const finish = reply.kind === "text" ? "stop" : "tool_calls";
  if (body.stream !== true) {
    const message =
      reply.kind === "text"
        ? { role: "assistant", content: reply.text }
        : { role: "assistant", content: null, tool_calls: [toolCall] };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message, finish_reason: finish }],
        usage: usageJson,
      }),
    );
    return;
  }
  startSse(res);
  const choice = (delta: unknown, finishReason: string | null = null) =>
    sendEvent(res, { ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  if (reply.kind === "text") {
    choice({ role: "assistant", content: "" });
    for (const piece of chunks(reply.text, reply.chunkDelayMs > 0)) {
      await pause(reply.chunkDelayMs);
      choice({ content: piece });
    }
  } else {
    choice({ role: "assistant", content: null, tool_calls: [toolCall] });
  }
  choice({}, finish);
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true) sendEvent(res, { ...base, choices: [], usage: usageJson });
  sendEvent(res, "[DONE]");
  res.end();
}
