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

export function stripTerminal(raw: string): string {
  const text = raw
    .replace(OSC, "")
    .replace(DCS_LIKE, "")
    .replace(CSI, "")
    .replace(OTHER_ESC, "")
    .replace(/\r+\n/g, "\n");
  return text
    .split("\n")
    .map((line) => applyBackspaces(lastOverwrite(line)).replace(CONTROL, ""))
    .join("\n");
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
