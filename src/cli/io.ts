/**
 * The CLI's IoHost: progress and notices go to stderr (stdout is for results,
 * so `--format json` output stays parseable). On a TTY, apply shows one live
 * line per change in flight with its elapsed time, redrawn in place (other
 * progress is one status line); otherwise each finished change is one plain line.
 */
import type { IoHost, IoMessage } from "../core/io.ts";
import { safeLines } from "../core/text/safe-text.ts";
import { ApplyProgress } from "./render/apply-progress.ts";
import { paint } from "./render/color.ts";

/** How often the elapsed times tick. */
const REDRAW_MS = 1000;

export class CliIoHost implements IoHost {
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly debug: boolean;
  private readonly progress = new ApplyProgress();
  /** Lines of the live region now on screen, under the cursor's line. */
  private liveLines = 0;
  private status: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: { debug?: boolean; color?: boolean } = {}) {
    this.tty = process.stderr.isTTY;
    this.color = options.color ?? (this.tty && process.env.NO_COLOR === undefined);
    this.debug = options.debug ?? false;
  }

  notify(message: IoMessage): void {
    if (message.level === "debug" && !this.debug) return;
    const tracked =
      this.tty && this.progress.take(message.code, message.message, message.data, Date.now());
    if (message.level === "progress") {
      if (!this.tty) return;
      if (!tracked) this.status = safeLines(message.message);
      this.redraw();
      return;
    }
    this.clearLive();
    const prefix =
      message.level === "error"
        ? paint(this.color, "red", "error: ")
        : message.level === "warn"
          ? paint(this.color, "yellow", "warning: ")
          : "";
    process.stderr.write(`${prefix}${safeLines(message.message)}\n`);
    if (tracked) this.status = undefined;
    this.drawLive();
  }

  async confirm(question: string, defaultAnswer: boolean): Promise<boolean> {
    if (!process.stdin.isTTY) return false;
    this.clearLive();
    this.status = undefined;
    // Loaded only when a question is asked: readline is not free to load.
    const { createInterface } = await import("node:readline/promises");
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = (
        await rl.question(`${question} ${defaultAnswer ? "[Y/n]" : "[y/N]"} `)
      ).trim();
      if (answer === "") return defaultAnswer;
      return /^y(es)?$/i.test(answer);
    } finally {
      rl.close();
    }
  }

  private redraw(): void {
    this.clearLive();
    this.drawLive();
  }

  private drawLive(): void {
    const width = Math.max(20, (process.stderr.columns || 80) - 1);
    const lines = this.progress.active
      ? this.progress.lines(Date.now(), width)
      : this.status === undefined
        ? []
        : [this.status.slice(0, width)];
    if (lines.length > 0) {
      process.stderr.write(lines.map((line) => paint(this.color, "dim", line)).join("\n") + "\n");
    }
    this.liveLines = lines.length;
    // Elapsed times tick only while changes are in flight; the timer never holds the process.
    if (this.progress.active && this.timer === undefined) {
      this.timer = setInterval(() => this.redraw(), REDRAW_MS);
      this.timer.unref();
    } else if (!this.progress.active && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Moves up over the live lines and clears them, leaving the cursor where they began. */
  private clearLive(): void {
    if (this.liveLines > 0) {
      process.stderr.write(`\x1b[${this.liveLines}A\r\x1b[J`);
      this.liveLines = 0;
    }
  }
}
