import { fleetEnv } from "../../core/env.ts";
import { usageError } from "../../core/errors.ts";
import { McpIoHost } from "../../mcp/io-host.ts";
import { PlanStore } from "../../core/plan/plan-store.ts";
import type { CommonOptions } from "../context.ts";

interface McpOptions extends CommonOptions {
  http?: boolean;
  port?: string;
}

/** The port `fleet mcp --http` listens on unless told otherwise. */
export const DEFAULT_MCP_PORT = 7333;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw usageError(`--port expects a port number (0 for any free one), not "${value}"`);
  return port;
}

export async function run(options: McpOptions): Promise<void> {
  if (options.port !== undefined && options.http !== true) {
    throw usageError("--port goes with --http", "fleet mcp --http --port 7333");
  }
  const port = options.port === undefined ? DEFAULT_MCP_PORT : parsePort(options.port);
  const env = fleetEnv();
  const debug = options.debug ?? false;
  // Nothing here writes to stdout: with stdio it is the MCP transport.
  const deps = { env, io: new McpIoHost({ debug }), plans: new PlanStore(env), debug };
  if (options.http !== true) {
    // The SDK is loaded here, on this path only: other commands start without it.
    const { serveStdio } = await import("../../mcp/server.ts");
    await serveStdio(deps);
    return;
  }
  const { serveHttp } = await import("../../mcp/http.ts");
  const serving = await serveHttp(deps, port);
  const stop = (): void => {
    deps.io.notify({ level: "info", code: "mcp.stopping", message: "stopping" });
    void serving.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await serving.closed;
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
}
