/**
 * OpenCode's own records: a SQLite database (OpenCode 1.18). fleet gives each
 * agent its own (`OPENCODE_DB=$FLEET_AGENT_DIR/opencode.db`, src/agents/opencode.ts),
 * so every session in it is the agent's. Tables `session` (`parent_id` set for a
 * subagent's session), `message` (`data`: JSON with `role`, `time.created`, and
 * on assistant messages `tokens` {input, output, reasoning, cache {read, write}};
 * one assistant message per model call) and `part` (`data`: `text`, `tool` with
 * `state.input`/`state.output`, `reasoning`, `step-start`/`step-finish`). The host
 * reads it with the `sqlite3` program, read-only; its rows are printed as JSON
 * lines here. OpenCode's title request is not in the records.
 */
import type { AgentRecords, LaunchContext } from "../../core/contracts/agent-type.ts";
import { shellQuote } from "../../core/contracts/transport.ts";
import type { Conversation, TokenUsage } from "../../core/contracts/conversation.ts";
import type { AgentSpec } from "../../core/model.ts";
import {
  asString,
  count,
  isObject,
  isoTime,
  jsonObjects,
  resultText,
  TurnLog,
  type JsonObject,
} from "./record-lines.ts";

/** fleet's per-agent database, as a shell word (the launcher exports it as OPENCODE_DB). */
export const OPENCODE_DB = '"$FLEET_AGENT_DIR/opencode.db"';

function databaseWord(spec: AgentSpec): string {
  const own = spec.env.OPENCODE_DB;
  if (own === undefined || own === "") return OPENCODE_DB;
  if (own.startsWith("/")) return shellQuote(own);
  if (own.startsWith("~/")) return `"$HOME"/${shellQuote(own.slice(2))}`;
  // OpenCode takes a relative name in its data dir.
  return `"\${XDG_DATA_HOME:-$HOME/.local/share}/opencode"/${shellQuote(own)}`;
}

const valid = (column: string): string =>
  `CASE WHEN json_valid(${column}) THEN json(${column}) END`;

/** Messages and their parts, one JSON object a row, in conversation order. */
const QUERY = [
  "SELECT line FROM (",
  "SELECT m.time_created AS t, m.id AS mid, 0 AS k, '' AS pid, json_object('kind', 'message',",
  `'id', m.id, 'root', s.parent_id IS NULL, 'data', ${valid("m.data")}) AS line`,
  "FROM message m JOIN session s ON s.id = m.session_id",
  "UNION ALL",
  "SELECT m.time_created, m.id, 1, p.id, json_object('kind', 'part', 'message', p.message_id,",
  `'data', ${valid("p.data")}) FROM part p JOIN message m ON m.id = p.message_id`,
  ") ORDER BY t, mid, k, pid;",
].join(" ");

/** How many prompts the agent has taken: user messages in its database (nothing without sqlite3). */
export const opencodePromptCount = (spec: AgentSpec): string =>
  `sqlite3 -readonly ${databaseWord(spec)} ${shellQuote("SELECT count(*) FROM message WHERE json_extract(data, '$.role') = 'user';")} 2>/dev/null`;

/**
 * How long OpenCode's newest answer must have been finished before it counts as
 * back at its prompt, ms. A message typed just as an answer was written never
 * reached the model as a prompt of its own (seen once in CI, in a container on a
 * loaded machine, its screen not yet showing it working): as far as we can tell
 * its loop, looking once more for new user messages, took it into the turn that
 * had just ended, wrapped in context tags.
 */
export const OPENCODE_SETTLED_MS = 1000;

const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
const TURN_STATE_QUERY = [
  "SELECT COALESCE((SELECT CASE WHEN json_extract(data, '$.role') = 'assistant'",
  `AND json_extract(data, '$.time.completed') <= ${NOW_MS} - ${OPENCODE_SETTLED_MS}`,
  "THEN 'idle' ELSE 'busy' END FROM message ORDER BY time_created DESC, id DESC LIMIT 1), 'idle');",
].join(" ");

/**
 * `busy` while its newest message is not an answer finished a moment ago, or while
 * its database cannot be read (locked past the timeout, damaged): a message waits
 * rather than land mid-turn. Nothing before the database exists or without sqlite3.
 */
export const opencodeTurnState = (spec: AgentSpec): string => {
  const db = databaseWord(spec);
  return `if [ -f ${db} ] && command -v sqlite3 >/dev/null 2>&1; then fleet_ts=$(sqlite3 -readonly -cmd '.timeout 2000' ${db} ${shellQuote(TURN_STATE_QUERY)} 2>/dev/null); echo "\${fleet_ts:-busy}"; fi`;
};

export function opencodeRecordsScript(spec: AgentSpec, _context: LaunchContext): string {
  return [
    `fleet_db=${databaseWord(spec)}`,
    '[ -f "$fleet_db" ] || exit 0',
    "command -v sqlite3 >/dev/null 2>&1 || { echo '@@fleet:unreadable sqlite3 is not installed on the host'; exit 0; }",
    `sqlite3 -readonly "$fleet_db" ${shellQuote(QUERY)} 2>/dev/null || echo '@@fleet:unreadable sqlite3 could not read the database'`,
    "exit 0",
  ].join("\n");
}

function opencodeUsage(tokens: unknown): TokenUsage | undefined {
  if (!isObject(tokens)) return undefined;
  const cache = isObject(tokens.cache) ? tokens.cache : {};
  return {
    input: count(tokens.input),
    // OpenCode counts reasoning apart from output; fleet's output includes it.
    output: count(tokens.output) + count(tokens.reasoning),
    cacheRead: count(cache.read),
    cacheWrite: count(cache.write),
  };
}

interface Message {
  root: boolean;
  data: JsonObject;
  parts: JsonObject[];
}

function messageTurns(log: TurnLog, message: Message): void {
  const at = isoTime(isObject(message.data.time) ? message.data.time.created : undefined);
  const role = message.data.role;
  const usage = role === "assistant" ? opencodeUsage(message.data.tokens) : undefined;
  let first;
  if (message.root) {
    const texts: string[] = [];
    for (const part of message.parts) {
      if (role === "user") {
        if (part.type === "text" && typeof part.text === "string" && part.synthetic !== true)
          texts.push(part.text);
        continue;
      }
      if (role !== "assistant") continue;
      let turn;
      if (part.type === "text" && typeof part.text === "string" && part.text !== "") {
        turn = log.add({ at, role: "assistant", text: part.text });
      } else if (part.type === "tool") {
        const state = isObject(part.state) ? part.state : {};
        const text = resultText(state.output ?? state.error ?? "");
        const tool = { name: asString(part.tool) ?? "unknown", input: state.input ?? null };
        turn = log.add({ at, role: "tool", text, tool });
      }
      first ??= turn;
    }
    if (texts.length > 0) log.add({ at, role: "user", text: texts.join("\n") });
  }
  // A subagent's calls are the agent's spend too, though not its conversation.
  if (usage) log.count(usage, first);
}

export function parseOpencodeRecords(output: string): Conversation {
  const log = new TurnLog();
  const { objects, bad } = jsonObjects(output.split("\n"));
  log.skipped += bad;
  const messages = new Map<string, Message>();
  for (const row of objects) {
    if (!isObject(row.data)) {
      log.skipped++;
      continue;
    }
    if (row.kind === "message") {
      const id = asString(row.id);
      if (id !== undefined && !messages.has(id))
        messages.set(id, { root: row.root === 1 || row.root === true, data: row.data, parts: [] });
    } else if (row.kind === "part") {
      const id = asString(row.message);
      const message = id === undefined ? undefined : messages.get(id);
      if (message) message.parts.push(row.data);
    }
  }
  // A map keeps insertion order: the rows came in conversation order.
  for (const message of messages.values()) messageTurns(log, message);
  return log.conversation();
}

export const opencodeRecords: AgentRecords = {
  script: opencodeRecordsScript,
  parse: parseOpencodeRecords,
};
