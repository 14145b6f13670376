/**
 * One page watching one agent: its socket, who it is, and what it has been
 * sent. Output reaches a viewer only after its snapshot; what arrives while
 * the snapshot is on its way is held and sent right after it.
 */
import WebSocket from "ws";
import type { BridgeMessage, ViewerIdentity } from "./terminal-protocol.ts";

/** Output a slow page has not taken yet: past this it is dropped rather than held. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class Viewer {
  readonly identity: ViewerIdentity;
  readonly mayControl: boolean;
  readonly socket: WebSocket;
  /** Output after the snapshot's point in the stream, until the snapshot is sent. */
  private held: Buffer[] | undefined;
  private live = false;

  constructor(socket: WebSocket, identity: ViewerIdentity, mayControl: boolean) {
    this.socket = socket;
    this.identity = { id: identity.id, name: identity.name };
    this.mayControl = mayControl;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: BridgeMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  /** The snapshot is taken: from here on output is held for this viewer. */
  startHolding(): void {
    this.held ??= [];
  }

  /** The snapshot is sent: held output follows, then everything as it comes. */
  goLive(): void {
    for (const data of this.held ?? []) this.sendOutput(data);
    this.held = undefined;
    this.live = true;
  }

  output(data: Buffer): void {
    if (this.live) this.sendOutput(data);
    else this.held?.push(data);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close(code, reason.slice(0, 120));
  }

  private sendOutput(data: Buffer): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // A page that cannot keep up would hold the whole stream in memory here.
      this.send({ type: "ended", reason: "the page fell too far behind the terminal's output" });
      this.close(1013, "too far behind");
      return;
    }
    this.socket.send(data, { binary: true });
  }
}
