/**
 * The terminal bridge under test, served as the dashboard will: a real `ws`
 * WebSocketServer on 127.0.0.1 whose connections go to hub.connect(), and a
 * `ws` client playing the page, recording every frame it gets.
 */
import { readdirSync, readFileSync } from "node:fs";
import WebSocket, { WebSocketServer } from "ws";
import type { ProviderContext } from "../../../src/core/contracts/provider.ts";
import { RecordingIoHost } from "../../../src/core/io.ts";
import {
  createTerminalHub,
  type TerminalHub,
} from "../../../src/ui/server/terminal/terminal-hub.ts";
import type { BridgeMessage } from "../../../src/ui/server/terminal/terminal-protocol.ts";
import { waitFor, type Sandbox } from "../../helpers/sandbox.ts";

export interface Bridge {
  hub: TerminalHub;
  /** Closes every page opened so far. */
  closePages(): void;
  /** Opens a page on `ref` as viewer `id`. */
  open(ref: string, id: string, options?: { mayControl?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The hub runs in this process and reaches hosts through the providers, which
 * read the environment: point it at the sandbox (each test file is its own process).
 */
export function useSandboxEnvironment(sb: Sandbox): ProviderContext {
  for (const key of ["FLEET_HOME", "TMUX_TMPDIR", "FLEET_PREFIX"]) process.env[key] = sb.env[key];
  delete process.env.TMUX;
  return { env: { home: sb.home, prefix: sb.prefix }, io: new RecordingIoHost() };
}

export async function startBridge(ctx: ProviderContext): Promise<Bridge> {
  const hub = createTerminalHub(ctx);
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket, request) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const id = url.searchParams.get("viewer") ?? "anon";
    hub.connect(socket, {
      ref: url.searchParams.get("agent") ?? "",
      viewer: { id, name: `viewer ${id}` },
      mayControl: url.searchParams.get("control") !== "0",
    });
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const pages: Page[] = [];
  return {
    hub,
    async open(ref, id, options = {}) {
      const query = new URLSearchParams({ agent: ref, viewer: id });
      if (options.mayControl === false) query.set("control", "0");
      const page = await Page.connect(`ws://127.0.0.1:${port}/?${query.toString()}`);
      pages.push(page);
      return page;
    },
    closePages() {
      for (const page of pages.splice(0)) page.close();
    },
    async close() {
      for (const page of pages) page.close();
      await hub.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export class Page {
  readonly messages: BridgeMessage[] = [];
  /** Every binary frame, in order. */
  output = Buffer.alloc(0);
  closeCode: number | undefined;
  private readonly socket: WebSocket;
  private cursor = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.output = Buffer.concat([this.output, bytes]);
      else this.messages.push(JSON.parse(bytes.toString("utf8")) as BridgeMessage);
    });
    socket.on("close", (code) => (this.closeCode = code));
  }

  static async connect(url: string): Promise<Page> {
    const socket = new WebSocket(url);
    const page = new Page(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return page;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /**
   * Waits for the next message of a type that passes `check`, after the one the
   * previous call returned: each call moves on, so an old message never answers.
   */
  async next<T extends BridgeMessage["type"]>(
    type: T,
    check: (m: Extract<BridgeMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<BridgeMessage, { type: T }>> {
    const isWanted = (m: BridgeMessage): m is Extract<BridgeMessage, { type: T }> =>
      m.type === type && check(m as Extract<BridgeMessage, { type: T }>);
    const index = await waitFor(
      () => {
        const found = this.messages.findIndex((m, i) => i >= this.cursor && isWanted(m));
        return Promise.resolve(found === -1 ? undefined : found);
      },
      timeoutMs,
      20,
    ).catch((error: unknown) => {
      throw new Error(
        `no ${type} message came; got ${JSON.stringify(this.messages.slice(this.cursor))}`,
        { cause: error },
      );
    });
    this.cursor = index + 1;
    return this.messages[index] as Extract<BridgeMessage, { type: T }>;
  }

  async outputMatching(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      async () => {
        const text = this.output.toString("utf8");
        return Promise.resolve(pattern.test(text) ? text : undefined);
      },
      timeoutMs,
      20,
    );
  }

  async closed(timeoutMs = 15_000): Promise<number> {
    return waitFor(() => Promise.resolve(this.closeCode), timeoutMs, 20);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close();
  }
}

/**
 * This process's children, each as "PID STATE ARGV": the control clients the hub
 * spawned, were any left; a zombie (state Z) is one that was never reaped.
 */
export function childProcesses(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state = "", parent = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(parent) !== process.pid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      found.push(`${entry} ${state} ${argv.trim()}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}
