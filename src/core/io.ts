/**
 * How the core reports to whoever drives it (the CLI, the MCP server, tests).
 * The core never prints: it notifies, and asks for confirmation through here.
 */
export type IoLevel = "debug" | "info" | "warn" | "error" | "progress";

export interface IoMessage {
  level: IoLevel;
  /** Stable machine-readable code, e.g. "apply.change.done". */
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface IoHost {
  notify(message: IoMessage): void;
  /** Resolves false when no answer can be had (no TTY). */
  confirm(question: string, defaultAnswer: boolean): Promise<boolean>;
}

/** An IoHost that drops everything and never confirms: for library use and tests. */
export const silentIoHost: IoHost = {
  notify: () => undefined,
  confirm: () => Promise.resolve(false),
};

/** Collects messages; handy in tests. */
export class RecordingIoHost implements IoHost {
  readonly messages: IoMessage[] = [];
  private readonly answer: boolean;
  constructor(answer = false) {
    this.answer = answer;
  }
  notify(message: IoMessage): void {
    this.messages.push(message);
  }
  confirm(): Promise<boolean> {
    return Promise.resolve(this.answer);
  }
}
