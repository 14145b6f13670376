/**
 * The OpenAI Responses API as Codex uses it: `POST /v1/responses`, streaming
 * (response.created ... response.completed with usage). A tool call is a
 * `function_call` item; the shell one is `exec_command` asking for escalated
 * permissions, so Codex asks the user to approve it.
 */
import type { ServerResponse } from "node:http";
import {
  chunks,
  modelOf,
  sharedFacts,
  type Reply,
  type RequestFacts,
  type ToolCall,
} from "./replies.ts";
import { pause, sendEvent, startSse } from "./sse.ts";

interface InputItem {
  type?: unknown;
  role?: unknown;
  content?: unknown;
}

export function responsesFacts(body: Record<string, unknown>): RequestFacts {
  const input: InputItem[] =
    typeof body.input === "string"
      ? [{ type: "message", role: "user", content: body.input }]
      : Array.isArray(body.input)
        ? (body.input as InputItem[])
        : [];
  const users = input.filter((item) => item.role === "user");
  const lastItem = input.at(-1);
  return {
    ...sharedFacts(body, users),
    afterToolResult: lastItem?.type === "function_call_output",
    system: typeof body.instructions === "string" ? body.instructions : "",
  };
}

/** Codex's shell tool, asking for escalation so that Codex asks the user first. */
export const responsesShellCall = (command: string): ToolCall => ({
  name: "exec_command",
  input: {
    cmd: command,
    sandbox_permissions: "require_escalated",
    justification: "The scripted test asks to run this command",
  },
});

export async function responsesReply(
  res: ServerResponse,
  body: Record<string, unknown>,
  reply: Reply,
  usage: { input: number; output: number },
  id: number,
): Promise<void> {
  const responseId = `resp_fake${id}`;
  const model = modelOf(body);
  let sequence = 0;
  const send = (data: Record<string, unknown> & { type: string }) =>
    sendEvent(res, { ...data, sequence_number: sequence++ }, data.type);
  const response = (status: string, output: unknown[]) => ({
    id: responseId,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    model,
    status,
    output,
  });
  startSse(res);
  send({ type: "response.created", response: response("in_progress", []) });
  send({ type: "response.in_progress", response: response("in_progress", []) });
  let item: Record<string, unknown>;
  if (reply.kind === "text") {
    const itemId = `msg_fake${id}`;
    const ids = { item_id: itemId, output_index: 0, content_index: 0 };
    send({
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] },
    });
    send({
      type: "response.content_part.added",
      ...ids,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const piece of chunks(reply.text, reply.chunkDelayMs > 0)) {
      await pause(reply.chunkDelayMs);
      send({ type: "response.output_text.delta", ...ids, delta: piece });
    }
    const part = { type: "output_text", text: reply.text, annotations: [] };
    send({ type: "response.output_text.done", ...ids, text: reply.text });
    send({ type: "response.content_part.done", ...ids, part });
    item = { type: "message", id: itemId, role: "assistant", status: "completed", content: [part] };
  } else {
    item = {
      type: "function_call",
      id: `fc_fake${id}`,
      call_id: `call_fake${id}`,
      name: reply.name,
      // A tool of a namespace (Codex's MCP servers' tools) is called by both.
      ...(reply.namespace === undefined ? {} : { namespace: reply.namespace }),
      arguments: JSON.stringify(reply.input),
      status: "completed",
    };
    send({
      type: "response.output_item.added",
      output_index: 0,
      item: { ...item, arguments: "", status: "in_progress" },
    });
  }
  send({ type: "response.output_item.done", output_index: 0, item });
  send({
    type: "response.completed",
    response: {
      ...response("completed", [item]),
      usage: {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    },
  });
  res.end();
}
