/**
 * Codex's own records: one "rollout" per thread under
 * `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`, lines
 * `{timestamp, type, payload}`. `response_item` lines are the model's history
 * (user and assistant messages, `function_call` and its `function_call_output`);
 * usage is one `token_usage_record` per model response (`response_id`, Codex
 * 0.171), or, in rollouts without those, the `last_token_usage` of each
 * `event_msg` `token_count`. A rollout whose `session_meta` names a
 * `thread_source` other than `user` (Codex's internal title thread, subagents) is
 * not the conversation and is not read. Codex counts cached tokens inside
 * `input_tokens`; fleet's `input` is the rest.
 */
import type { AgentRecords, LaunchContext } from "../../core/contracts/agent-type.ts";
import { shellQuote } from "../../core/contracts/transport.ts";
import type { Conversation, TokenUsage, Turn } from "../../core/contracts/conversation.ts";
import type { AgentSpec } from "../../core/model.ts";
import {
  asString,
  count,
  isObject,
  isoTime,
  isWrappedContext,
  jsonObjects,
  printFilesLines,
  resultText,
  splitFiles,
  toolInput,
  TurnLog,
  type JsonObject,
} from "./record-lines.ts";

function codexHomeWord(spec: AgentSpec): string {
  const own = spec.env.CODEX_HOME;
  if (own === undefined || own === "") return '"$FLEET_AGENT_DIR/codex"';
  return own.startsWith("~/") ? `"$HOME"/${shellQuote(own.slice(2))}` : shellQuote(own);
}

export function codexRecordsScript(spec: AgentSpec, _context: LaunchContext): string {
  return [
    `fleet_d=${codexHomeWord(spec)}/sessions`,
    '[ -d "$fleet_d" ] || exit 0',
    // Dated paths sort oldest first. Per-turn settings lines are large and unused.
    printFilesLines(
      `find "$fleet_d" -type f -name 'rollout-*.jsonl' | sort`,
      `grep -a -v -E '"type":"(world_state|turn_context|thread_settings_applied)"'`,
    ),
  ].join("\n");
}

/** Codex's usage in fleet's terms: cached and cache-written tokens taken out of `input`. */
export function codexUsage(value: unknown): TokenUsage | undefined {
  if (!isObject(value)) return undefined;
  const cacheRead = count(value.cached_input_tokens);
  const cacheWrite = count(value.cache_write_input_tokens);
  return {
    input: Math.max(0, count(value.input_tokens) - cacheRead - cacheWrite),
    output: count(value.output_tokens),
    cacheRead,
    cacheWrite,
  };
}

const textOf = (content: unknown, kinds: readonly string[]): string =>
  (Array.isArray(content) ? content.filter(isObject) : [])
    .filter((part) => kinds.includes(String(part.type)) && typeof part.text === "string")
    .map((part) => String(part.text))
    .filter((text) => !isWrappedContext(text) && !text.startsWith("# AGENTS.md instructions"))
    .join("\n");

/** True when a rollout is not the user's conversation (Codex's title thread, a subagent). */
function isSideThread(objects: readonly JsonObject[]): boolean {
  for (const line of objects) {
    const payload = isObject(line.payload) ? line.payload : {};
    if (line.type === "session_meta") {
      const source = payload.thread_source;
      if (typeof source === "string" && source !== "user") return true;
    }
    if (line.type === "response_item" && payload.type === "message" && payload.role === "user") {
      const text = textOf(payload.content, ["input_text"]);
      if (text !== "") return /^Generate a concise/.test(text);
    }
  }
  return false;
}

class CodexReader {
  readonly log = new TurnLog();
  private readonly items = new Set<string>();
  private readonly responses = new Set<string>();
  /** The first turn of the model response in hand (since the last usage record). */
  private pending: Turn | undefined;

  file(objects: readonly JsonObject[]): void {
    const records = objects.some((line) => line.type === "token_usage_record");
    let lastTotal = "";
    for (const line of objects) {
      const payload = line.payload;
      if (!isObject(payload)) continue;
      const at = isoTime(line.timestamp);
      if (line.type === "response_item") this.item(payload, at);
      else if (line.type === "token_usage_record") {
        const id = asString(payload.response_id);
        if (id !== undefined && this.responses.has(id)) continue;
        if (id !== undefined) this.responses.add(id);
        this.usage(payload.usage);
      } else if (!records && line.type === "event_msg" && payload.type === "token_count") {
        // Codex repeats a token_count (rate-limit updates) with the same totals: once.
        const info = isObject(payload.info) ? payload.info : undefined;
        const total = JSON.stringify(info?.total_token_usage ?? null);
        if (info === undefined || total === lastTotal) continue;
        lastTotal = total;
        this.usage(info.last_token_usage);
      }
    }
  }

  private usage(value: unknown): void {
    const usage = codexUsage(value);
    if (!usage) return;
    this.log.count(usage, this.pending);
    this.pending = undefined;
  }

  private item(payload: JsonObject, at: string | null): void {
    const id = asString(payload.id);
    if (id !== undefined) {
      if (this.items.has(id)) return;
      this.items.add(id);
    }
    const callId = asString(payload.call_id);
    let turn: Turn | undefined;
    switch (payload.type) {
      case "message": {
        const role = payload.role;
        if (role !== "user" && role !== "assistant") return;
        const text = textOf(payload.content, role === "user" ? ["input_text"] : ["output_text"]);
        if (text === "") return;
        turn = this.log.add({ at, role, text });
        if (role === "user") this.pending = undefined;
        break;
      }
      case "function_call":
      case "custom_tool_call": {
        const name = asString(payload.name) ?? "unknown";
        const input = toolInput(
          payload.type === "function_call" ? payload.arguments : payload.input,
        );
        turn = this.log.add({ at, role: "tool", text: "", tool: { name, input } }, callId);
        break;
      }
      case "local_shell_call": {
        const action = isObject(payload.action) ? payload.action : {};
        const tool = { name: "shell", input: action.command ?? null };
        turn = this.log.add({ at, role: "tool", text: "", tool }, callId);
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output":
        this.log.result(callId, resultText(payload.output), at);
        return;
      default:
        return;
    }
    if (turn.role !== "user") this.pending ??= turn;
  }
}

export function parseCodexRecords(output: string): Conversation {
  const reader = new CodexReader();
  for (const file of splitFiles(output)) {
    const { objects, bad } = jsonObjects(file);
    reader.log.skipped += bad;
    if (!isSideThread(objects)) reader.file(objects);
  }
  return reader.log.conversation();
}

export const codexRecords: AgentRecords = {
  script: codexRecordsScript,
  parse: parseCodexRecords,
};
