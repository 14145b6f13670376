/**
 * MCP over a unix socket, framed as MCP's stdio transport frames it (one JSON-RPC
 * message a line), so that what relays an agent's stdio to the bus can be a plain
 * byte pipe (node, python3 or socat, whichever the host has). Used by both ends:
 * the daemon serves each connection with it, fleet's own clients connect with it.
 */
import type { Socket } from "node:net";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export class SocketTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the SDK's Transport declares it so
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private readonly buffer = new ReadBuffer();
  private closed = false;

  private readonly socket: Socket;
  private readonly leftover: Buffer | undefined;

  /** `leftover`: bytes read past the handshake line, which belong to MCP. */
  constructor(socket: Socket, leftover?: Buffer) {
    this.socket = socket;
    this.leftover = leftover;
  }

  start(): Promise<void> {
    this.socket.on("data", (chunk: Buffer) => this.take(chunk));
    this.socket.on("error", (error) => this.onerror?.(error));
    this.socket.on("close", () => this.finish());
    if (this.leftover && this.leftover.length > 0) this.take(this.leftover);
    return Promise.resolve();
  }

  private take(chunk: Buffer): void {
    this.buffer.append(chunk);
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // Not JSON-RPC: the peer is not speaking MCP; hang up rather than guess.
        this.onerror?.(error as Error);
        this.socket.destroy();
        return;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.socket.destroyed) {
        reject(new Error("the bus connection is closed"));
        return;
      }
      this.socket.write(serializeMessage(message), (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    this.socket.end();
    this.finish();
    return Promise.resolve();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}
