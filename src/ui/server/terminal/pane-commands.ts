/**
 * The tmux commands the bridge sends about one pane, and the reading of their
 * replies. A reply comes from the host, so every number is checked before use.
 */
import { FleetError } from "../../../core/errors.ts";
import { tmuxQuote } from "./tmux-control.ts";
import { MAX_COLS, MAX_ROWS } from "./terminal-protocol.ts";

/** Bytes per send-keys command: short lines for tmux, and nothing lost in between. */
const KEY_BYTES_PER_COMMAND = 256;

export interface PaneInfo {
  pane: string;
  window: string;
  dead: boolean;
}

export interface PaneScreen {
  cols: number;
  rows: number;
  cursor: { x: number; y: number };
  dead: boolean;
  lines: string[];
}

export const paneInfoCommand = (windowTarget: string): string =>
  `display-message -p -t ${tmuxQuote(windowTarget)} ${tmuxQuote("#{pane_id} #{window_id} #{pane_dead}")}`;

export function parsePaneInfo(lines: readonly string[]): PaneInfo {
  const match = /^(%\d{1,9}) (@\d{1,9}) ([01])$/.exec(lines[0] ?? "");
  if (!match?.[1] || !match[2]) throw unexpected("the agent's pane", lines);
  return { pane: match[1], window: match[2], dead: match[3] === "1" };
}

const SCREEN_FORMAT = "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{pane_dead}";

/** One line, so tmux runs both with no pane output read in between: screen and cursor agree. */
export const screenCommands = (pane: string): string[] => [
  `display-message -p -t ${tmuxQuote(pane)} ${tmuxQuote(SCREEN_FORMAT)}`,
  `capture-pane -p -e -t ${tmuxQuote(pane)}`,
];

export function parseScreen(lines: readonly string[]): PaneScreen {
  const [head = "", ...rows] = lines;
  const size = parseSize(head);
  const match = /^\d+ \d+ (\d{1,5}) (\d{1,5}) ([01])$/.exec(head);
  if (!size || !match) throw unexpected("the agent's screen", lines);
  return {
    ...size,
    cursor: {
      x: Math.min(Number(match[1]), size.cols - 1),
      y: Math.min(Number(match[2]), size.rows - 1),
    },
    dead: match[3] === "1",
    // tmux prints one line per row; more than that is not a screen to show.
    lines: rows.slice(0, size.rows),
  };
}

export const sizeCommand = (pane: string): string =>
  `display-message -p -t ${tmuxQuote(pane)} ${tmuxQuote("#{pane_width} #{pane_height}")}`;

export function parseSize(line: string): { cols: number; rows: number } | undefined {
  const match = /^(\d{1,5}) (\d{1,5})(?: |$)/.exec(line);
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  if (cols < 1 || rows < 1 || cols > 10_000 || rows > 10_000) return undefined;
  return { cols, rows };
}

/** The control client's size, which the window takes while no terminal is attached. */
export const resizeCommand = (cols: number, rows: number): string => {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols > MAX_COLS || rows > MAX_ROWS)
    throw new Error(`resize: bad size ${cols}x${rows}`);
  return `refresh-client -C ${cols}x${rows}`;
};

/**
 * Typed text as send-keys commands. Every byte goes as hex (`-H`): tmux writes
 * it to the pane as it is (UTF-8 too), and no text the user typed is ever
 * parsed as part of a tmux command line.
 */
export function inputCommands(pane: string, data: string): string[] {
  const bytes = Buffer.from(data, "utf8");
  const commands: string[] = [];
  for (let start = 0; start < bytes.length; start += KEY_BYTES_PER_COMMAND) {
    const hex = [...bytes.subarray(start, start + KEY_BYTES_PER_COMMAND)]
      .map((byte) => byte.toString(16).padStart(2, "0"))
      .join(" ");
    commands.push(`send-keys -t ${tmuxQuote(pane)} -H ${hex}`);
  }
  return commands;
}

/**
 * Notices when the pane dies (tmux 3.2+ checks subscriptions about once a
 * second). On every pane of the session (`%*`): tmux 3.3 reports a change of
 * a one-pane subscription only once, not when the pane dies after.
 */
export const DEATH_SUBSCRIPTION = "fleet-pane-dead";
export const deathSubscriptionCommand = (): string =>
  `refresh-client -B ${tmuxQuote(`${DEATH_SUBSCRIPTION}:%*:#{pane_dead}`)}`;

/** `%subscription-changed NAME $S @W IDX %P : VALUE`: the value, when it is about `pane`. */
export function subscriptionValue(args: string, pane: string): string | undefined {
  const [head = "", ...value] = args.split(" : ");
  const words = head.split(" ");
  if (words[0] !== DEATH_SUBSCRIPTION || words[4] !== pane) return undefined;
  return value.join(" : ");
}

function unexpected(what: string, lines: readonly string[]): FleetError {
  return new FleetError(
    "TERMINAL_UNEXPECTED_REPLY",
    `tmux answered with something other than ${what}: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`,
    { fault: "system" },
  );
}
