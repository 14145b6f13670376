/**
 * A tmux control-mode client (`tmux -C attach-session`) over any byte channel:
 * a local process, `docker exec -i` or `ssh` alike. Commands are written one a
 * line and tmux answers them in order, so replies are matched to commands by
 * position; notifications and pane output come in between, in stream order.
 */
import type { Readable, Writable } from "node:stream";
import { FleetError } from "../../../core/errors.ts";
import { safeText } from "../../../core/text/safe-text.ts";
import { ControlModeParser, type ControlReply } from "./control-mode-parser.ts";

export interface ControlChannel {
  stdin: Writable;
  stdout: Readable;
  /** Ends the process behind the channel; resolves once it is gone. */
  terminate(): Promise<void>;
}

export interface ControlHandlers {
  output(pane: string, data: Buffer): void;
  notification(name: string, args: string): void;
  /** Once, when the client is gone: tmux said `%exit`, or the channel ended. */
  exit(reason: string | undefined): void;
}

interface Request {
  /** How many blocks the line answers with: one per `;`-separated command. */
  remaining: number;
  lines: string[];
  resolve(lines: string[]): void;
  reject(error: Error): void;
  /** Called synchronously with the last block, before any later output is handled. */
  onAnswered: ((lines: string[]) => void) | undefined;
}

export class TmuxControlClient {
  /** Resolves with the session id (`$3`) once tmux reports the client attached. */
  readonly attached: Promise<string>;
  private readonly channel: ControlChannel;
  private readonly handlers: ControlHandlers;
  private readonly parser: ControlModeParser;
  private readonly queue: Request[] = [];
  private gone: string | undefined;
  private closing: Promise<void> | undefined;
  private markAttached: ((session: string) => void) | undefined;
  private failAttach: ((error: Error) => void) | undefined;

  constructor(channel: ControlChannel, handlers: ControlHandlers) {
    this.channel = channel;
    this.handlers = handlers;
    this.attached = new Promise<string>((resolve, reject) => {
      this.markAttached = resolve;
      this.failAttach = reject;
    });
    // A client that never attaches must not leave an unhandled rejection behind.
    this.attached.catch(() => undefined);
    this.parser = new ControlModeParser({
      output: (pane, data) => handlers.output(pane, data),
      reply: (reply) => this.answer(reply),
      notification: (name, args) => this.notice(name, args),
      exit: (reason) => this.ended(reason),
    });
    channel.stdout.on("data", (chunk: Buffer) => this.parser.push(chunk));
    channel.stdout.on("end", () => this.parser.end());
    channel.stdout.on("error", (error) => this.parser.end(error.message));
    // tmux may exit before reading what was written: the exit is reported, not EPIPE.
    channel.stdin.on("error", () => undefined);
  }

  /** Whether the client is still attached. */
  get open(): boolean {
    return this.gone === undefined;
  }

  /**
   * Runs one command line and resolves with its output lines. Several commands
   * joined with ` ; ` run in one go, with nothing from the panes in between;
   * their output is concatenated. A failing command rejects (tmux runs none of
   * the rest).
   */
  run(
    commands: string | readonly string[],
    onAnswered?: (lines: string[]) => void,
  ): Promise<string[]> {
    const list = typeof commands === "string" ? [commands] : commands;
    if (list.length === 0 || list.some((c) => c.includes("\n") || c.includes("\r"))) {
      return Promise.reject(new Error("tmux control: one command per line, none empty"));
    }
    if (this.gone !== undefined) return Promise.reject(this.goneError());
    return new Promise<string[]>((resolve, reject) => {
      this.queue.push({ remaining: list.length, lines: [], resolve, reject, onAnswered });
      this.channel.stdin.write(`${list.join(" ; ")}\n`);
    });
  }

  /** Detaches (tmux then exits), and ends the process if it does not. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.gone === undefined) this.channel.stdin.end("detach-client\n");
      await this.channel.terminate();
      this.parser.end("closed");
    })();
    return this.closing;
  }

  private answer(reply: ControlReply): void {
    if (!reply.fromClient) return;
    const request = this.queue[0];
    if (!request) return;
    if (!reply.ok) {
      this.queue.shift();
      // tmux's words come from the host: shown, never acted on.
      const detail = safeText(reply.lines.join(" ").slice(0, 300));
      request.reject(
        new FleetError("TMUX_COMMAND_FAILED", `tmux refused a command: ${detail}`, {
          fault: "system",
        }),
      );
      return;
    }
    request.lines.push(...reply.lines);
    if (--request.remaining > 0) return;
    this.queue.shift();
    request.onAnswered?.(request.lines);
    request.resolve(request.lines);
  }

  private notice(name: string, args: string): void {
    if (name === "session-changed" && this.markAttached) {
      const session = args.split(" ")[0] ?? "";
      this.markAttached(session);
      this.markAttached = undefined;
    }
    this.handlers.notification(name, args);
  }

  private ended(reason: string | undefined): void {
    this.gone = reason ?? "tmux detached";
    for (const request of this.queue.splice(0)) request.reject(this.goneError());
    this.failAttach?.(this.goneError());
    this.markAttached = undefined;
    this.failAttach = undefined;
    this.handlers.exit(reason);
  }

  private goneError(): FleetError {
    return new FleetError("TERMINAL_GONE", `the terminal connection ended: ${this.gone ?? ""}`, {
      fault: "system",
    });
  }
}

/** A word of a tmux command line, quoted: single quotes take everything literally but `'`. */
export function tmuxQuote(word: string): string {
  if (word.includes("'") || /[\n\r]/.test(word)) {
    throw new Error(`tmux control: cannot quote ${JSON.stringify(word)}`);
  }
  return `'${word}'`;
}
