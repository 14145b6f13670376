/**
 * Claude Code's own records: one JSON-lines file per session under
 * `$CLAUDE_CONFIG_DIR/projects/<work dir with every non-alphanumeric character
 * replaced by ->/<session id>.jsonl`. `user` lines carry what was typed (a string
 * or text parts) or tool results; `assistant` lines carry the model's text and
 * tool calls, and `message.usage`. One model message can be split over several
 * lines with the same `message.id` (a text and a tool call): its usage counts
 * once. A resumed session may copy earlier lines (same `uuid`): read once.
 * Subagent conversations (other files) are not read.
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
  TurnLog,
  type JsonObject,
} from "./record-lines.ts";

/** Claude Code names a project's dir after its path: every non-alphanumeric character a `-`. */
export const claudeProjectDir = (workdir: string): string => workdir.replace(/[^a-zA-Z0-9]/g, "-");

/** Longer project names are cut (and given a suffix of Claude's) past this many characters. */
const PROJECT_NAME_MAX = 200;

/** The agent's Claude config dir as a shell word: the spec's own, or fleet's per-agent one. */
function configDirWord(spec: AgentSpec): string {
  const own = spec.env.CLAUDE_CONFIG_DIR;
  if (own === undefined || own === "") return '"$FLEET_AGENT_DIR/claude"';
  return own.startsWith("~/") ? `"$HOME"/${shellQuote(own.slice(2))}` : shellQuote(own);
}

export function claudeRecordsScript(spec: AgentSpec, context: LaunchContext): string {
  const project = claudeProjectDir(context.workdir);
  const short = project.slice(0, PROJECT_NAME_MAX);
  return [
    `fleet_p=${configDirWord(spec)}/projects`,
    `fleet_d="$fleet_p"/${shellQuote(project)}`,
    // A long path's dir is cut and suffixed by Claude Code: take the one that starts the same.
    `[ -d "$fleet_d" ] || fleet_d=$(ls -1d "$fleet_p"/${shellQuote(short)}* 2>/dev/null | head -n 1)`,
    '[ -n "$fleet_d" ] && [ -d "$fleet_d" ] || exit 0',
    // Only conversation lines: the others (prompt snapshots, api shapes) are large and unused.
    printFilesLines(`ls -1tr "$fleet_d"/*.jsonl`, `grep -a -E '"type":"(user|assistant)"'`),
  ].join("\n");
}

function claudeUsage(value: unknown): TokenUsage | undefined {
  if (!isObject(value)) return undefined;
  return {
    input: count(value.input_tokens),
    output: count(value.output_tokens),
    cacheRead: count(value.cache_read_input_tokens),
    cacheWrite: count(value.cache_creation_input_tokens),
  };
}

/** The parts of a message's content: a plain string is one text part. */
function parts(content: unknown): JsonObject[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

function userLine(log: TurnLog, line: JsonObject, message: JsonObject, at: string | null): void {
  const texts: string[] = [];
  for (const part of parts(message.content)) {
    if (part.type === "tool_result") {
      log.result(asString(part.tool_use_id), resultText(part.content), at);
    } else if (part.type === "text" && typeof part.text === "string") {
      if (!isWrappedContext(part.text)) texts.push(part.text);
    }
  }
  // Meta lines are Claude Code's own notes (caveats, command output), not typed.
  if (texts.length > 0 && line.isMeta !== true)
    log.add({ at, role: "user", text: texts.join("\n") });
}

interface MessageSeen {
  usage: TokenUsage | undefined;
  first: Turn | undefined;
}

function assistantLine(
  log: TurnLog,
  message: JsonObject,
  at: string | null,
  seen: Map<string, MessageSeen>,
): void {
  const id = asString(message.id);
  let entry = id === undefined ? undefined : seen.get(id);
  if (!entry) {
    entry = { usage: undefined, first: undefined };
    if (id !== undefined) seen.set(id, entry);
  }
  for (const part of parts(message.content)) {
    let turn: Turn | undefined;
    if (part.type === "text" && typeof part.text === "string" && part.text !== "") {
      turn = log.add({ at, role: "assistant", text: part.text });
    } else if (part.type === "tool_use") {
      const tool = { name: asString(part.name) ?? "unknown", input: part.input ?? null };
      turn = log.add({ at, role: "tool", text: "", tool }, asString(part.id));
    }
    entry.first ??= turn;
  }
  // The last line of a message has its final usage; earlier ones may have less.
  const usage = claudeUsage(message.usage);
  if (usage) entry.usage = usage;
  if (id === undefined && usage) log.count(usage, entry.first);
}

export function parseClaudeRecords(output: string): Conversation {
  const log = new TurnLog();
  const lines = new Set<string>();
  const messages = new Map<string, MessageSeen>();
  for (const file of splitFiles(output)) {
    const { objects, bad } = jsonObjects(file);
    log.skipped += bad;
    for (const line of objects) {
      const uuid = asString(line.uuid);
      if (uuid !== undefined) {
        if (lines.has(uuid)) continue;
        lines.add(uuid);
      }
      if (line.isSidechain === true) continue;
      const message = line.message;
      if (!isObject(message)) continue;
      const at = isoTime(line.timestamp);
      if (line.type === "user") userLine(log, line, message, at);
      else if (line.type === "assistant") assistantLine(log, message, at, messages);
    }
  }
  for (const entry of messages.values()) {
    if (entry.usage) log.count(entry.usage, entry.first);
  }
  return log.conversation();
}

export const claudeRecords: AgentRecords = {
  script: claudeRecordsScript,
  parse: parseClaudeRecords,
};
