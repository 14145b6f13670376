/**
 * The CLI's IoHost: progress and notices go to stderr (stdout is for results,
 * so `--format json` output stays parseable); on a TTY progress redraws one
 * status line, otherwise each finished change is one plain line.
 */
import type { IoHost, IoMessage } from "../core/io.ts";
import { safeLines } from "../core/text/safe-text.ts";
import { paint } from "./render/color.ts";

export class CliIoHost implements IoHost {
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly debug: boolean;
  private statusShown = false;

  constructor(options: { debug?: boolean; color?: boolean } = {}) {
    this.tty = process.stderr.isTTY;
    this.color = options.color ?? (this.tty && process.env.NO_COLOR === undefined);
    this.debug = options.debug ?? false;
  }

  notify(message: IoMessage): void {
    if (message.level === "debug" && !this.debug) return;
    if (message.level === "progress") {
      if (!this.tty) return;
      this.clearStatus();
      process.stderr.write(paint(this.color, "dim", safeLines(message.message)));
      this.statusShown = true;
      return;
    }
    this.clearStatus();
    const prefix =
      message.level === "error"
        ? paint(this.color, "red", "error: ")
        : message.level === "warn"
          ? paint(this.color, "yellow", "warning: ")
          : "";
    process.stderr.write(`${prefix}${safeLines(message.message)}\n`);
  }

  async confirm(question: string, defaultAnswer: boolean): Promise<boolean> {
    if (!process.stdin.isTTY) return false;
    this.clearStatus();
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

  private clearStatus(): void {
    if (this.statusShown) {
      process.stderr.write("\r\x1b[K");
      this.statusShown = false;
    }
  }
}
