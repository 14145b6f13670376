/**
 * Raw terminal output (what tmux pipe-pane records) as plain text: escape and
 * control sequences removed, carriage-return overwrites and backspaces applied.
 */
/* eslint-disable no-control-regex -- matching terminal control sequences is what this file does */
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const DCS_LIKE = /\x1b[PX^_][\s\S]*?\x1b\\/g;
const OTHER_ESC = /\x1b(?:[()*+][0-9A-Za-z]|[#%][0-9A-Za-z@]|[ -/]*[0-~])/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** Cursor moves a TUI draws with instead of spaces and newlines. */
const CURSOR_MOVE = /\x1b\[(\d*)(?:;(\d*))?([GCBEHfd])/g;

export function stripTerminal(raw: string): string {
  const text = applyCursorMoves(raw.replace(OSC, "").replace(DCS_LIKE, ""))
    .replace(CSI, "")
    .replace(OTHER_ESC, "")
    .replace(/\r+\n/g, "\n");
  return text
    .split("\n")
    .map((line) => applyBackspaces(lastOverwrite(line)).replace(CONTROL, ""))
    .join("\n");
}

/**
 * TUIs (Claude Code, Codex) position words with cursor moves (`ESC[7G` to column
 * 7, `ESC[2C` two to the right, `ESC[2B` down, `ESC[r;cH` anywhere) rather than
 * spaces and newlines; without them `ok: hello` would read `ok:hello`. An
 * approximation, not a terminal: a move right becomes spaces, a move to another
 * line a newline (never two in a row, so redraws add no blank lines).
 */
function applyCursorMoves(text: string): string {
  let out = "";
  let column = 0;
  let row: number | undefined;
  let last = 0;
  const append = (chunk: string) => {
    out += chunk;
    const lineStart = Math.max(chunk.lastIndexOf("\n"), chunk.lastIndexOf("\r"));
    column = lineStart >= 0 ? chunk.length - lineStart - 1 : column + chunk.replace(CSI, "").length;
  };
  for (const match of text.matchAll(CURSOR_MOVE)) {
    append(text.slice(last, match.index));
    last = match.index + match[0].length;
    // A carriage return right before a move repositions the cursor; it does not
    // start an overwrite of the line (that would drop the line's text).
    if (out.endsWith("\r")) {
      out = out.replace(/\r+$/, "");
      const lineStart = out.lastIndexOf("\n");
      column = out.slice(lineStart + 1).replace(CSI, "").length;
    }
    const count = Number(match[1] === "" ? 1 : match[1]);
    const toColumn = (target: number) => {
      if (target - 1 > column) append(" ".repeat(target - 1 - column));
    };
    const kind = match[3];
    if (kind === "G") {
      toColumn(count);
    } else if (kind === "C") {
      append(" ".repeat(count));
    } else {
      const target = kind === "H" || kind === "f" || kind === "d" ? count : undefined;
      if (target === undefined || target !== row) {
        if (out !== "" && !/\n\r*$/.test(out)) append("\n");
        column = 0;
      }
      row = target;
      if (kind === "H" || kind === "f") toColumn(Number(match[2] || 1));
    }
  }
  append(text.slice(last));
  return out;
}

/** `progress 10%\rprogress 20%` shows as what was written last. */
function lastOverwrite(line: string): string {
  if (!line.includes("\r")) return line;
  const parts = line.split("\r").filter((part) => part !== "");
  return parts.at(-1) ?? "";
}

function applyBackspaces(line: string): string {
  if (!line.includes("\b")) return line;
  const out: string[] = [];
  for (const char of line) {
    if (char === "\b") out.pop();
    else out.push(char);
  }
  return out.join("");
}

/** The last `count` lines, trailing blank lines dropped. */
export function lastLines(text: string, count: number | undefined): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const kept = count === undefined ? lines : lines.slice(Math.max(0, lines.length - count));
  return kept.join("\n");
}
