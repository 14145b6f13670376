/**
 * WebSocket upgrades for the agents' terminals, at
 * /api/agents/HOST/NAME/terminal: checked as every request is (Host, token or
 * share link) and, since browsers send it on every WebSocket, the Origin must
 * be this server's. The terminal hub does the rest; a share link's terminal is
 * cut when the link is revoked or expires.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import { hostAllowed, mayReach, originAllowed, principalOf } from "./ui-auth.ts";
import type { UiDeps } from "./ui-deps.ts";

export interface TerminalTarget {
  /** NAME@HOST. */
  ref: string;
  viewer: { id: string; name: string };
  /** False for a watch-only share link: it can never take control. */
  mayControl: boolean;
}

export interface TerminalConnector {
  connect(socket: WebSocket, target: TerminalTarget): void;
  close(): Promise<void>;
}

const TERMINAL_PATH = /^\/api\/agents\/([^/]+)\/([^/]+)\/terminal$/;

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function terminalUpgrade(
  deps: UiDeps,
  sockets: WebSocketServer,
  terminals: TerminalConnector | undefined,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (request, socket, head) => {
    socket.on("error", () => undefined);
    const path = new URL(request.url ?? "/", "http://fleet.invalid").pathname;
    const match = TERMINAL_PATH.exec(path);
    if (!hostAllowed(request.headers.host, deps.auth)) return refuse(socket, 403, "Forbidden");
    if (request.headers.origin === undefined || !originAllowed(request.headers)) {
      return refuse(socket, 403, "Forbidden");
    }
    const principal = principalOf(request.headers, deps.auth);
    if (principal === undefined) return refuse(socket, 401, "Unauthorized");
    if (match === null || terminals === undefined) return refuse(socket, 404, "Not Found");
    let host: string;
    let name: string;
    try {
      host = decodeURIComponent(match[1] ?? "");
      name = decodeURIComponent(match[2] ?? "");
    } catch {
      return refuse(socket, 400, "Bad Request");
    }
    if (!mayReach(principal, host, name)) return refuse(socket, 403, "Forbidden");
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const id = randomBytes(6).toString("hex");
      const viewer =
        principal.kind === "owner"
          ? { id, name: "owner" }
          : { id, name: `guest (link ${principal.share.id})` };
      if (principal.kind === "share") {
        const untrack = deps.sessions.add(principal.share.id, () =>
          ws.close(4401, "the share link was revoked or expired"),
        );
        ws.once("close", untrack);
      }
      terminals.connect(ws, {
        ref: `${name}@${host}`,
        viewer,
        mayControl: principal.kind === "owner" || !principal.share.readOnly,
      });
    });
  };
}
