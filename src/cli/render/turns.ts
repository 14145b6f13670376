/**
 * A conversation read from an agent's records, for humans: one header line per
 * turn (its role, a tool's name and input, the time), then its text indented.
 * Everything in it came from a host: shown escaped, unless asked for raw.
 */
import type { Turn } from "../../core/contracts/conversation.ts";
import { safeLines, safeText } from "../../core/text/safe-text.ts";

/** A tool's input is shown on its header line, cut to this many characters. */
const INPUT_CHARS = 200;

function toolInput(input: unknown): string {
  const text = typeof input === "string" ? input : (JSON.stringify(input) ?? "");
  return text.length > INPUT_CHARS ? `${text.slice(0, INPUT_CHARS)}…` : text;
}

/** `2026-12-02T13:30:40.380Z` as `2026-12-02 13:30:40`. */
const shortTime = (at: string | null): string =>
  at === null ? "" : at.replace("T", " ").replace(/\.\d+Z$|Z$/, "");

export function renderTurn(turn: Turn, raw = false): string {
  const one = raw ? (text: string) => text : safeText;
  const many = raw ? (text: string) => text : safeLines;
  const head = [
    turn.role,
    ...(turn.tool ? [one(turn.tool.name)] : []),
    ...(turn.at === null ? [] : [`(${shortTime(turn.at)})`]),
  ].join(" ");
  const lines = [turn.tool ? `${head}: ${one(toolInput(turn.tool.input))}` : `${head}:`];
  const body = turn.text.replace(/\s+$/, "");
  if (body !== "")
    lines.push(
      ...many(body)
        .split("\n")
        .map((line) => `  ${line}`),
    );
  return lines.join("\n") + "\n";
}
