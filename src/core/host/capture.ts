/**
 * The agent's screen as it is now (`fleet capture`): the visible rows of its
 * window's pane, or of one of its services' windows, in one round trip. What the
 * host prints is checked before use: the size line must be numbers, and no more
 * rows are kept than the pane has.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { windowTarget } from "./agent-record.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { requireAgent } from "./read-agent.ts";
import { splitPayload } from "./script-output.ts";
import { requireService } from "./services.ts";

/** Larger than any real terminal: a host claiming more is not believed. */
const MAX_COLS = 1000;
const MAX_ROWS = 500;

export interface Screen {
  cols: number;
  rows: number;
  cursor: { x: number; y: number };
  /** The pane's process has exited (the pane is kept, so its last screen shows). */
  dead: boolean;
  /** One string a row, top to bottom, trailing blanks removed by tmux. */
  lines: string[];
}

const SIZE_FORMAT = "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{pane_dead}";

export async function captureScreen(
  h: HostHandle,
  name: string,
  options: { service?: string } = {},
): Promise<Screen> {
  const agent = await requireAgent(h, name);
  const window = options.service ?? AGENT_WINDOW;
  if (options.service !== undefined) {
    requireService(agent.record.spec, name, options.service, 2);
  }
  if (!agent.sessionExists || agent.pane === undefined) throw notRunning(name, agent.live.state);
  const target = q(windowTarget(agent.session, window));
  // Both in one script, with nothing read in between: the size and the rows agree.
  const result = await runScript(
    agent.transport,
    `capturing the screen of agent ${name}`,
    [
      `fleet_size=$(tmux -u display-message -p -t ${target} ${q(SIZE_FORMAT)} 2>/dev/null) || { echo @@fleet:gone; exit 0; }`,
      "printf '@@fleet:size\\n%s\\n@@fleet:payload\\n' \"$fleet_size\"",
      `tmux -u capture-pane -p -t ${target} 2>/dev/null`,
      "exit 0",
    ].join("\n"),
  );
  const { text, payload } = splitPayload(result.stdoutBytes);
  if (payload === undefined) {
    if (text.includes("@@fleet:gone") && options.service !== undefined) {
      throw new FleetError(
        "SERVICE_NOT_RUNNING",
        `service ${options.service} of agent ${name} has no window`,
        {
          hint: `\`fleet apply\` restarts it; \`fleet logs ${name} --service ${options.service}\` shows its output`,
        },
      );
    }
    throw notRunning(name, "STOPPED");
  }
  return parseScreen(text, payload.toString("utf8"), name);
}

export function parseScreen(head: string, body: string, name: string): Screen {
  const line = head.split("\n").find((l) => /^\d/.test(l)) ?? "";
  const match = /^(\d{1,5}) (\d{1,5}) (\d{1,5}) (\d{1,5}) ([01])$/.exec(line);
  const cols = Number(match?.[1]);
  const rows = Number(match?.[2]);
  if (!match || cols < 1 || rows < 1 || cols > MAX_COLS || rows > MAX_ROWS) {
    throw new FleetError(
      "HOST_REPLY_INVALID",
      `the host's reply for the screen of agent ${name} is not a pane size`,
      {
        fault: "system",
      },
    );
  }
  const lines = body.replace(/\n$/, "").split("\n").slice(0, rows);
  return {
    cols,
    rows,
    cursor: {
      x: Math.min(Number(match[3]), cols - 1),
      y: Math.min(Number(match[4]), rows - 1),
    },
    dead: match[5] === "1",
    lines,
  };
}

const notRunning = (name: string, state: string): FleetError =>
  new FleetError("AGENT_NOT_RUNNING", `agent ${name} is ${state}: it has no screen to capture`, {
    hint: `\`fleet start ${name}\` starts it; \`fleet transcript ${name} --terminal\` shows what it printed`,
  });
