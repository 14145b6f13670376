/**
 * The dashboard's live terminals: the HTTP server hands each terminal
 * WebSocket (already authenticated) to connect(), naming the agent and the
 * viewer. Every viewer of one agent shares that agent's single control-mode
 * client; it is stopped when the last viewer leaves.
 *
 * Control: everyone watches read-only until they send `take`. Only one viewer
 * holds control at a time and a take while someone else holds it is refused
 * (CONTROL_HELD), never a silent takeover: the holder releases it, or leaves.
 * A viewer connected with mayControl false (a watch-only share link) is never
 * given control. See terminal-protocol.ts for the messages.
 */
import type WebSocket from "ws";
import { findAgent } from "../../../core/actions/agent-target.ts";
import type { ProviderContext } from "../../../core/contracts/provider.ts";
import { isFleetError } from "../../../core/errors.ts";
import { safeText } from "../../../core/text/safe-text.ts";
import { AgentTerminal } from "./agent-terminal.ts";
import {
  MAX_PAGE_FRAME_BYTES,
  parsePageMessage,
  type ViewerIdentity,
} from "./terminal-protocol.ts";
import { Viewer } from "./viewer.ts";

export interface TerminalTarget {
  /** NAME or NAME@HOST. */
  ref: string;
  viewer: ViewerIdentity;
  /** False for a watch-only link: `take` is always refused. */
  mayControl: boolean;
}

export interface TerminalHub {
  connect(socket: WebSocket, target: TerminalTarget): void;
  /** Ends the sockets of the viewers pred picks (a revoked link, a signed-out user). */
  disconnectWhere(pred: (viewer: ViewerIdentity) => boolean): void;
  /** Ends every socket and stops every control client. */
  close(): Promise<void>;
}

export function createTerminalHub(ctx: ProviderContext): TerminalHub {
  /** Open (or opening) terminals by `NAME@HOST`: the one control client each agent has. */
  const terminals = new Map<string, Promise<AgentTerminal>>();
  /** Every connected viewer, with the terminal it watches once it has one. */
  const viewers = new Map<Viewer, AgentTerminal | undefined>();
  /** Terminals being stopped because the page that started them left before they were up. */
  const closing = new Set<Promise<void>>();
  const closeUnwatched = (terminal: AgentTerminal): void => {
    if (terminal.watchers > 0) return;
    const done = terminal.close().finally(() => closing.delete(done));
    closing.add(done);
  };
  let closed = false;

  const terminalFor = async (ref: string): Promise<AgentTerminal> => {
    const target = await findAgent(ref, ctx);
    const key = `${target.agent.name}@${target.agent.host}`;
    let opening = terminals.get(key);
    if (!opening) {
      opening = AgentTerminal.open(target, () => {
        if (terminals.get(key) === opening) terminals.delete(key);
      });
      terminals.set(key, opening);
      // A failed start is not cached: the next viewer tries again.
      opening.catch(() => {
        if (terminals.get(key) === opening) terminals.delete(key);
      });
    }
    return opening;
  };

  const refuse = (viewer: Viewer, error: unknown): void => {
    const code = isFleetError(error) ? error.code : "TERMINAL_FAILED";
    const message = error instanceof Error ? error.message : String(error);
    const hint = isFleetError(error) && error.hint !== undefined ? ` (${error.hint})` : "";
    viewer.send({ type: "error", code, message: safeText(message + hint) });
    viewer.close(1011, "cannot connect");
  };

  const join = async (viewer: Viewer, ref: string): Promise<void> => {
    let terminal: AgentTerminal;
    try {
      terminal = await terminalFor(ref);
    } catch (error) {
      refuse(viewer, error);
      return;
    }
    // The page left (or was disconnected) while the terminal was starting.
    if (!viewers.has(viewer) || !viewer.open) {
      // Later: another page waiting for the same terminal joins it first.
      setImmediate(() => closeUnwatched(terminal));
      return;
    }
    viewers.set(viewer, terminal);
    try {
      await terminal.add(viewer);
    } catch (error) {
      terminal.remove(viewer);
      refuse(viewer, error);
    }
  };

  return {
    connect(socket, target) {
      const viewer = new Viewer(socket, target.viewer, target.mayControl);
      if (closed) {
        viewer.close(1001, "closing");
        return;
      }
      viewers.set(viewer, undefined);
      socket.on("message", (data, isBinary) => {
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
        if (bytes.length > MAX_PAGE_FRAME_BYTES) {
          viewer.close(1009, "message too large");
          return;
        }
        const message = isBinary ? undefined : parsePageMessage(bytes.toString("utf8"));
        if (!message) {
          viewer.send({ type: "error", code: "BAD_MESSAGE", message: "not a terminal message" });
          return;
        }
        const terminal = viewers.get(viewer);
        if (terminal) terminal.handle(viewer, message);
        else viewer.send({ type: "error", code: "NOT_READY", message: "still connecting" });
      });
      socket.on("close", () => {
        const terminal = viewers.get(viewer);
        viewers.delete(viewer);
        terminal?.remove(viewer);
      });
      socket.on("error", () => viewer.close(1011, "socket error"));
      void join(viewer, target.ref);
    },

    disconnectWhere(pred) {
      for (const viewer of viewers.keys()) {
        if (!pred(viewer.identity)) continue;
        viewer.send({ type: "ended", reason: "disconnected by the dashboard" });
        viewer.close(4001, "disconnected");
      }
    },

    async close() {
      closed = true;
      for (const viewer of viewers.keys()) viewer.close(1001, "closing");
      const open = await Promise.allSettled(terminals.values());
      terminals.clear();
      await Promise.all([
        ...open.flatMap((result) => (result.status === "fulfilled" ? [result.value.close()] : [])),
        ...closing,
      ]);
    },
  };
}
