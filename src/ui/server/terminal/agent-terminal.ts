/**
 * One agent's terminal, shared by everyone watching it: a single control-mode
 * client on the agent's host, its pane's output fanned out to every viewer,
 * and at most one viewer in control (typing and resizing) at a time.
 */
import type { AgentTarget } from "../../../core/actions/agent-target.ts";
import { isFleetError } from "../../../core/errors.ts";
import { safeText } from "../../../core/text/safe-text.ts";
import { markTerminalInput, terminalCommand } from "../../../core/host/terminal-command.ts";
import { spawnControlProcess, type ControlProcess } from "./control-process.ts";
import {
  deathSubscriptionCommand,
  inputCommands,
  paneInfoCommand,
  parsePaneInfo,
  parseScreen,
  parseSize,
  resizeCommand,
  screenCommands,
  sizeCommand,
  subscriptionValue,
} from "./pane-commands.ts";
import type { PageMessage } from "./terminal-protocol.ts";
import { TmuxControlClient } from "./tmux-control.ts";
import type { Viewer } from "./viewer.ts";

const ATTACH_TIMEOUT_MS = 20_000;
/** Typing marks activity at most this often: idle timeouts are minutes. */
const ACTIVITY_MARK_MS = 30_000;

export class AgentTerminal {
  private readonly viewers = new Set<Viewer>();
  private holder: Viewer | undefined;
  private ended = false;
  private closed = false;
  private lastMark = 0;
  private size: { cols: number; rows: number } | undefined;
  private readonly target: AgentTarget;
  private readonly client: TmuxControlClient;
  private readonly pane: string;
  private readonly window: string;
  /** Called once the terminal is over (ended, or its last viewer left). */
  private readonly onClosed: () => void;

  private constructor(options: {
    target: AgentTarget;
    client: TmuxControlClient;
    pane: string;
    window: string;
    onClosed: () => void;
  }) {
    this.target = options.target;
    this.client = options.client;
    this.pane = options.pane;
    this.window = options.window;
    this.onClosed = options.onClosed;
  }

  /** Starts the agent's control client and finds its pane. */
  static async open(target: AgentTarget, onClosed: () => void): Promise<AgentTerminal> {
    const { command, windowTarget } = await terminalCommand(target.handle, target.agent.name);
    const channel = spawnControlProcess(command);
    let terminal: AgentTerminal | undefined;
    let exitReason: string | undefined;
    const client = new TmuxControlClient(channel, {
      output: (pane, data) => terminal?.output(pane, data),
      notification: (name, args) => terminal?.notification(name, args),
      exit: (reason) => {
        exitReason = reason;
        terminal?.end(endReason(reason, channel));
      },
    });
    try {
      await withTimeout(client.attached, ATTACH_TIMEOUT_MS);
      const info = parsePaneInfo(await client.run(paneInfoCommand(windowTarget)));
      terminal = new AgentTerminal({ target, client, ...info, onClosed });
      // Without a notice of the pane's death (tmux before 3.2) the terminal still
      // ends when the agent's session does. A pane dead already ends at the first snapshot.
      if (!info.dead) await client.run(deathSubscriptionCommand()).catch(() => undefined);
      return terminal;
    } catch (error) {
      await client.close();
      if (isFleetError(error) && error.code === "TERMINAL_GONE") {
        throw Object.assign(error, { message: endReason(exitReason, channel) });
      }
      throw error;
    }
  }

  get watchers(): number {
    return this.viewers.size;
  }

  /** Sends the viewer the screen as it is, then the output that follows it. */
  async add(viewer: Viewer): Promise<void> {
    if (this.ended) throw new Error("terminal ended");
    this.viewers.add(viewer);
    const lines = await this.client.run(screenCommands(this.pane), () => viewer.startHolding());
    const screen = parseScreen(lines);
    this.size = { cols: screen.cols, rows: screen.rows };
    viewer.send({
      type: "screen",
      cols: screen.cols,
      rows: screen.rows,
      data: screen.lines.join("\n"),
      cursor: screen.cursor,
    });
    viewer.goLive();
    if (screen.dead) this.end("the agent has exited");
    else this.changed();
  }

  remove(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    if (this.holder === viewer) this.holder = undefined;
    if (this.viewers.size === 0) void this.close();
    else this.changed();
  }

  handle(viewer: Viewer, message: PageMessage): void {
    switch (message.type) {
      case "take":
        return this.take(viewer);
      case "release":
        if (this.holder === viewer) {
          this.holder = undefined;
          this.changed();
        }
        return;
      case "input":
        if (!this.inControl(viewer, "typing")) return;
        for (const command of inputCommands(this.pane, message.data)) this.send(viewer, command);
        this.markActivity();
        return;
      case "resize":
        if (!this.inControl(viewer, "resizing")) return;
        this.send(viewer, resizeCommand(message.cols, message.rows));
        void this.reportSize(viewer);
        return;
    }
  }

  /** Tells every viewer the terminal is over and closes their sockets. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const viewer of this.viewers) {
      viewer.send({ type: "ended", reason });
      viewer.close(1000, "ended");
    }
    this.viewers.clear();
    this.holder = undefined;
    void this.close();
  }

  /** Stops the control client; the terminal is unusable after. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.ended = true;
      for (const viewer of this.viewers) viewer.close(1001, "closing");
      this.viewers.clear();
      this.holder = undefined;
      this.onClosed();
    }
    await this.client.close();
  }

  private take(viewer: Viewer): void {
    if (!viewer.mayControl) {
      viewer.send({
        type: "error",
        code: "CONTROL_NOT_ALLOWED",
        message: "this link is for watching only: it cannot take control",
      });
    } else if (this.holder !== undefined && this.holder !== viewer) {
      viewer.send({
        type: "error",
        code: "CONTROL_HELD",
        message: `${this.holder.identity.name} has control: they must release it first`,
      });
    } else if (this.holder !== viewer) {
      this.holder = viewer;
      this.changed();
    }
  }

  private inControl(viewer: Viewer, what: string): boolean {
    if (this.holder === viewer) return true;
    viewer.send({
      type: "error",
      code: "READ_ONLY",
      message: `${what} needs control of the terminal: take it first (nothing was sent)`,
    });
    return false;
  }

  private send(viewer: Viewer, command: string): void {
    this.client.run(command).catch((error: unknown) => {
      if (!this.client.open) return;
      viewer.send({
        type: "error",
        code: isFleetError(error) ? error.code : "TERMINAL_COMMAND_FAILED",
        message: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private markActivity(): void {
    const now = Date.now();
    if (now - this.lastMark < ACTIVITY_MARK_MS) return;
    this.lastMark = now;
    // A mark that fails costs only an earlier idle stop: never the input itself.
    markTerminalInput(this.target.handle, this.target.agent.name).catch(() => undefined);
  }

  /** The pane's size now: to the viewer who asked, and to everyone if it changed. */
  private async reportSize(asking?: Viewer): Promise<void> {
    const size = parseSize(
      (await this.client.run(sizeCommand(this.pane)).catch(() => []))[0] ?? "",
    );
    if (!size || this.ended) return;
    const changed = size.cols !== this.size?.cols || size.rows !== this.size.rows;
    this.size = size;
    for (const viewer of changed ? this.viewers : asking ? [asking] : []) {
      viewer.send({ type: "size", ...size });
    }
  }

  private output(pane: string, data: Buffer): void {
    if (pane !== this.pane) return;
    for (const viewer of this.viewers) viewer.output(data);
  }

  private notification(name: string, args: string): void {
    if (name === "subscription-changed" && subscriptionValue(args, this.pane) === "1") {
      this.end("the agent has exited");
    } else if (
      (name === "window-close" || name === "unlinked-window-close") &&
      args.split(" ")[0] === this.window
    ) {
      this.end("the agent's window was closed");
    } else if (name === "layout-change" && args.split(" ")[0] === this.window) {
      void this.reportSize();
    } else if (name === "session-changed") {
      // With detach-on-destroy off, tmux moves the client to another session
      // when the agent's goes: that other session is nothing to show.
      void this.client.attached.then((own) => {
        if (args.split(" ")[0] !== own) this.end("the agent's session ended");
      });
    }
  }

  private changed(): void {
    const holder = this.holder ? { ...this.holder.identity } : null;
    for (const viewer of this.viewers) {
      viewer.send({
        type: "control",
        holder,
        watchers: this.viewers.size,
        holding: viewer === this.holder,
      });
    }
  }
}

function endReason(reason: string | undefined, channel: ControlProcess): string {
  if (reason === "closed") return "the terminal was closed";
  if (reason !== undefined && reason !== "")
    return `the agent's terminal ended: ${safeText(reason)}`;
  const stderr = channel.stderrTail();
  return stderr === ""
    ? "the agent's session ended"
    : `the agent's terminal ended: ${stderr.slice(-300)}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tmux did not attach within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
