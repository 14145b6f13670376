/**
 * `fleet mcp --http`: the management server over Streamable HTTP at
 * http://127.0.0.1:PORT/mcp, on node's own http module. Each client session
 * (started by an initialize request) gets its own transport and McpServer; every
 * request is checked first (src/mcp/http-auth.ts). Ctrl-C or SIGTERM closes the
 * sessions and the listener.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { FleetError } from "../core/errors.ts";
import { loadOrCreateToken, refusal, tokenPath } from "./http-auth.ts";
import { createFleetServer, type FleetMcpServer, type ServerDeps } from "./server.ts";

export const MCP_PATH = "/mcp";
/** A JSON-RPC body larger than this is refused (413): tool arguments are small. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A session no request has touched for this long is closed: a client that went
 * away without ending its session would otherwise keep a server (and, if it
 * subscribed, a poller) forever. A client that comes back gets 404 and, as the
 * protocol says, starts a new session.
 */
const SESSION_IDLE_MS = 60 * 60_000;

interface Session {
  transport: StreamableHTTPServerTransport;
  fleet: FleetMcpServer;
  lastSeen: number;
}

export interface HttpServing {
  url: string;
  port: number;
  /** Resolves once the listener and every session are closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

function reply(res: ServerResponse, status: number, message: string, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new FleetError("MCP_BODY_TOO_LARGE", "request too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

export async function serveHttp(deps: ServerDeps, port: number): Promise<HttpServing> {
  const { StreamableHTTPServerTransport } =
    await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const { isInitializeRequest } = await import("@modelcontextprotocol/sdk/types.js");
  const token = await loadOrCreateToken(deps.env);
  const sessions = new Map<string, Session>();
  let listeningPort = port;

  const newSession = async (): Promise<StreamableHTTPServerTransport> => {
    const fleet = createFleetServer(deps);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, fleet, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      void fleet.close().catch(() => undefined);
    };
    await fleet.server.connect(transport);
    return transport;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = refusal(req, listeningPort, token);
    if (refused) {
      const challenge = refused.status === 401 ? { "www-authenticate": "Bearer" } : {};
      reply(res, refused.status, refused.reason, challenge);
      return;
    }
    if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== MCP_PATH) {
      reply(res, 404, `not found: fleet's MCP endpoint is ${MCP_PATH}`);
      return;
    }
    let body: unknown;
    if (req.method === "POST") {
      try {
        body = await readBody(req);
      } catch (error) {
        const tooLarge = error instanceof FleetError;
        reply(res, tooLarge ? 413 : 400, tooLarge ? error.message : "the body is not JSON");
        return;
      }
    }
    const header = req.headers["mcp-session-id"];
    const id = Array.isArray(header) ? header[0] : header;
    const session = id === undefined ? undefined : sessions.get(id);
    if (session) {
      session.lastSeen = Date.now();
      await session.transport.handleRequest(req, res, body);
    } else if (id === undefined && req.method === "POST" && isInitializeRequest(body)) {
      await (await newSession()).handleRequest(req, res, body);
    } else if (id !== undefined) {
      reply(res, 404, "no such session: initialize a new one");
    } else {
      reply(res, 400, "no session: start with an initialize request");
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.io.notify({
        level: "error",
        code: "mcp.http-failed",
        message: `a request failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      if (!res.headersSent) reply(res, 500, "internal error");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new FleetError(
          "MCP_LISTEN",
          `cannot listen on 127.0.0.1:${port}: ${error.code === "EADDRINUSE" ? "the port is in use" : error.message}`,
          { hint: "pick another port with --port, or --port 0 for a free one" },
        ),
      );
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  listeningPort = typeof address === "object" && address !== null ? address.port : port;
  const url = `http://127.0.0.1:${listeningPort}${MCP_PATH}`;
  deps.io.notify({
    level: "info",
    code: "mcp.listening",
    message: `listening on ${url}; the bearer token is in ${tokenPath(deps.env)} (Ctrl-C stops)`,
  });

  const sweep = setInterval(() => {
    const oldest = Date.now() - SESSION_IDLE_MS;
    for (const [id, session] of sessions) {
      if (session.lastSeen >= oldest) continue;
      sessions.delete(id);
      void session.transport.close().catch(() => undefined);
    }
  }, SESSION_IDLE_MS / 6);
  sweep.unref();

  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      clearInterval(sweep);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.transport.close().catch(() => undefined)));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      resolveClosed();
    })());
  return { url, port: listeningPort, closed, close };
}
