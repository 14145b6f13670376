/**
 * The MCP server's IoHost. stdout is the transport, so nothing goes there:
 * notices are written to stderr (escaped, like the CLI's), and those raised during
 * a tool call are also sent to the client that made it, as MCP logging
 * notifications (see callIoHost). It never confirms: what an
 * MCP client may change is decided by which tool it calls (apply takes only a
 * plan id the `plan` tool returned).
 */
import type { IoHost, IoLevel, IoMessage } from "../core/io.ts";
import { safeLines } from "../core/text/safe-text.ts";

/** MCP's logging levels (RFC 5424's names) for fleet's. */
export type McpLogLevel = "debug" | "info" | "warning" | "error";

const LOG_LEVEL: Record<Exclude<IoLevel, "progress">, McpLogLevel> = {
  debug: "debug",
  info: "info",
  warn: "warning",
  error: "error",
};

export interface McpIoHostOptions {
  debug?: boolean;
  /** Writes one line to stderr; tests and the HTTP server may pass their own. */
  writeErr?: (line: string) => void;
}

export class McpIoHost implements IoHost {
  private readonly debug: boolean;
  private readonly writeErr: (line: string) => void;

  constructor(options: McpIoHostOptions = {}) {
    this.debug = options.debug ?? false;
    this.writeErr = options.writeErr ?? ((line) => process.stderr.write(line));
  }

  notify(message: IoMessage): void {
    // Progress lines are for a terminal that redraws; a client gets progress notifications.
    if (message.level === "progress") return;
    if (message.level === "debug" && !this.debug) return;
    const prefix =
      message.level === "error" ? "error: " : message.level === "warn" ? "warning: " : "";
    this.writeErr(`fleet mcp: ${prefix}${safeLines(message.message)}\n`);
  }

  confirm(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/**
 * The IoHost of one tool call: what `base` does, and each notice (debug ones
 * only when `base` shows them) also to the calling client through `send`, so
 * that a client sees, say, that its message waits for the agent's turn.
 */
export function callIoHost(
  base: McpIoHost,
  send: (level: McpLogLevel, message: IoMessage) => void,
  debug = false,
): IoHost {
  return {
    notify(message) {
      base.notify(message);
      if (message.level === "progress" || (message.level === "debug" && !debug)) return;
      send(LOG_LEVEL[message.level], message);
    },
    confirm: () => base.confirm(),
  };
}
