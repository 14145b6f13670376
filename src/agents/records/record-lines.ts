/**
 * What the records parsers share: reading JSON lines from an untrusted host
 * (bad lines skipped, sizes bounded), the marker that separates the files a
 * records script prints, and small builders for turns and token usage.
 */
import type { Conversation, TokenUsage, Turn } from "../../core/contracts/conversation.ts";

/** The line a records script prints before each file, so a parser knows where one ends. */
export const FILE_MARKER = "@@fleet:file";

/** Shell: print each named file (oldest first), each after a marker line. */
export const printFilesLines = (listCommand: string, filter = "cat"): string =>
  [
    `${listCommand} 2>/dev/null | while IFS= read -r fleet_f; do`,
    `  [ -f "$fleet_f" ] || continue`,
    `  echo ${FILE_MARKER}`,
    `  ${filter} "$fleet_f" 2>/dev/null`,
    "  echo",
    "done",
    "exit 0",
  ].join("\n");

/** Lines longer than this are skipped unread (one message cannot hold more). */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** A turn's text is clipped to this many characters. */
export const MAX_TEXT_CHARS = 64 * 1024;

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** A non-negative whole count, or 0 for anything else. */
export const count = (value: unknown): number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;

/** The output split into files at the marker lines (all of it one file when there is none). */
export function splitFiles(output: string): string[][] {
  const files: string[][] = [[]];
  for (const line of output.split("\n")) {
    if (line === FILE_MARKER) files.push([]);
    else files.at(-1)?.push(line);
  }
  return files.filter((lines) => lines.some((line) => line.trim() !== ""));
}

/** Each line that is a JSON object, in order; `bad` counts the others (blank lines aside). */
export function jsonObjects(lines: readonly string[]): { objects: JsonObject[]; bad: number } {
  const objects: JsonObject[] = [];
  let bad = 0;
  for (const line of lines) {
    if (line.trim() === "") continue;
    if (line.length > MAX_LINE_CHARS) {
      bad++;
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (isObject(value)) objects.push(value);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { objects, bad };
}

/** Text clipped to MAX_TEXT_CHARS, saying how much was left out. */
export function clip(text: string): string {
  if (text.length <= MAX_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_TEXT_CHARS)}\n… (${text.length - MAX_TEXT_CHARS} more characters)`;
}

/** An ISO 8601 time from an ISO string or epoch milliseconds; null for anything else. */
export function isoTime(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const date = new Date(value);
  const ms = date.getTime();
  return Number.isFinite(ms) && ms > 0 ? date.toISOString() : null;
}

export const noUsage = (): TokenUsage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });

export function addUsage(total: TokenUsage, more: TokenUsage): void {
  total.input += more.input;
  total.output += more.output;
  total.cacheRead += more.cacheRead;
  total.cacheWrite += more.cacheWrite;
}

/**
 * Context a CLI wraps in tags of its own and sends as a user message
 * (`<environment_context>`, `<system-reminder>`): not what the user typed.
 */
const WRAPPED_CONTEXT = /^\s*<([a-z][a-z_-]*)(?:\s[^>]*)?>[\s\S]*<\/\1>\s*$/;
export const isWrappedContext = (text: string): boolean => WRAPPED_CONTEXT.test(text);

/** A tool's input for display: JSON text that parses is shown as its value. */
export function toolInput(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Text of a tool's result in the shapes the CLIs use: a string, parts, or `{content}`. */
export function resultText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value))
    return value
      .map(resultText)
      .filter((t) => t !== "")
      .join("\n");
  if (isObject(value)) {
    if (typeof value.text === "string") return value.text;
    if ("content" in value) return resultText(value.content);
    if ("output" in value) return resultText(value.output);
  }
  return "";
}

/**
 * Collects turns, pairing tool calls with their results by call id and putting
 * each response's usage on its first turn.
 */
export class TurnLog {
  readonly turns: Turn[] = [];
  readonly usage = noUsage();
  responses = 0;
  skipped = 0;
  private readonly calls = new Map<string, Turn>();

  add(turn: Turn, callId?: string): Turn {
    const text = clip(turn.text);
    const added: Turn = { ...turn, text };
    this.turns.push(added);
    if (callId !== undefined && turn.role === "tool") this.calls.set(callId, added);
    return added;
  }

  /** A tool's result: onto its call's turn, or a tool turn of its own when the call is not known. */
  result(callId: string | undefined, text: string, at: string | null): void {
    const call = callId === undefined ? undefined : this.calls.get(callId);
    if (call) call.text = clip(text);
    else this.add({ at, role: "tool", text, tool: { name: "unknown", input: null } });
  }

  /** One model response's usage: counted in the total, shown on `turn` when given. */
  count(usage: TokenUsage, turn?: Turn): void {
    addUsage(this.usage, usage);
    this.responses++;
    if (turn && turn.usage === undefined) turn.usage = usage;
  }

  conversation(): Conversation {
    return {
      turns: this.turns,
      usage: this.usage,
      responses: this.responses,
      skipped: this.skipped,
    };
  }
}
