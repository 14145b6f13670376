/**
 * `fleet mcp`: fleet's management MCP server. One McpServer per client session
 * (stdio has one; HTTP has one per session), all calling the same actions as the
 * CLI (src/core/actions/). This module and the SDK are loaded only by `fleet mcp`.
 *
 * stdout belongs to the transport in stdio mode: notices go to stderr, and
 * console output any code might still write is sent there too.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { FleetEnv } from "../core/env.ts";
import { agentTools } from "./agent-tools.ts";
import { installAgentResource } from "./agent-resource.ts";
import type { McpIoHost } from "./io-host.ts";
import type { PlanStore } from "../core/plan/plan-store.ts";
import { planTools } from "./plan-tools.ts";
import { installTools } from "./tool-kit.ts";
import { workTools } from "./work-tools.ts";
import { busTools } from "./bus-tools.ts";
import { lifecycleTools } from "./lifecycle-tools.ts";

export const SERVER_NAME = "fleet";
export const SERVER_VERSION = "0.1.0";

const INSTRUCTIONS = `fleet manages AI coding agents (and any command) in tmux on this machine, Docker containers and SSH hosts.
list_agents shows them; create_agent starts one; send_message types into one and read_transcript shows what it said; wait_for_agent waits for its turn to end.
To change a fleet file's agents: call plan with the file, show the user the plan, then call apply with its planId (good once, for an hour; refused if live state moved).
The resource fleet://agents lists the agents; subscribe to it to hear when one changes state.
The agents talk on a message bus of their own; bus_send_message, bus_get_messages, bus_mark_read and bus_discover_agents use it as the operator.`;

export interface ServerDeps {
  env: FleetEnv;
  io: McpIoHost;
  plans: PlanStore;
  debug: boolean;
  /** How often fleet://agents is re-read while subscribed. */
  pollMs?: number;
}

export interface FleetMcpServer {
  server: McpServer;
  /** Closes the session and stops what it polls. */
  close(): Promise<void>;
}

export function createFleetServer(deps: ServerDeps): FleetMcpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION, title: "fleet" },
    {
      capabilities: {
        tools: {},
        resources: { subscribe: true },
        logging: {},
      },
      instructions: INSTRUCTIONS,
    },
  );
  installTools(
    server,
    [...agentTools, ...lifecycleTools, ...workTools, ...planTools(deps.plans), ...busTools()],
    deps,
  );
  const resource = installAgentResource(server, { env: deps.env, io: deps.io }, deps.pollMs);
  return {
    server,
    async close() {
      resource.close();
      await server.close();
    },
  };
}

/** Console output from anything loaded (a fleet.ts runs in a worker, but still) goes to stderr. */
export function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]): void => {
    console.error(...args);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/** Serves one client on stdin/stdout until stdin closes or SIGINT/SIGTERM. */
export async function serveStdio(deps: ServerDeps): Promise<void> {
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  keepStdoutForProtocol();
  const fleet = createFleetServer(deps);
  const done = new Promise<void>((resolve) => {
    const finish = (): void => resolve();
    process.stdin.once("end", finish);
    process.stdin.once("close", finish);
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    fleet.server.server.onclose = finish;
  });
  await fleet.server.connect(new StdioServerTransport());
  await done;
  await fleet.close().catch(() => undefined);
}
