/**
 * An MCP client on `fleet mcp` in a sandbox: the SDK's own Client, spawning the
 * built CLI over stdio with the sandbox's env (FLEET_HOME, TMUX_TMPDIR,
 * FLEET_PREFIX). The SDK's stdio transport passes only a few variables of its own
 * (HOME, PATH, ...) unless given an env, so the env is always given here.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { fleetBin, type Sandbox } from "../../helpers/sandbox.ts";

/** Every tool of `fleet mcp`, sorted: what tools/list must name. */
export const MANAGEMENT_TOOLS = [
  "apply",
  "bus_discover_agents",
  "bus_get_messages",
  "bus_mark_read",
  "bus_send_message",
  "capture_screen",
  "clone_agent",
  "create_agent",
  "destroy_agent",
  "exec",
  "list_agents",
  "migrate_agent",
  "plan",
  "read_transcript",
  "rename_agent",
  "send_message",
  "start_agent",
  "stop_agent",
  "wait_for_agent",
] as const;

export interface FleetClient {
  client: Client;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

export function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export async function connectStdio(sb: Sandbox, args: string[] = []): Promise<FleetClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [fleetBin, "mcp", ...args],
    env: stringEnv(sb.env),
    cwd: sb.dir,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "fleet-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** The text of a result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

/** Calls a tool that must succeed; returns its structuredContent. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.notEqual(result.isError, true, `${name} failed: ${textOf(result)}`);
  assert.ok(result.structuredContent, `${name} returned no structuredContent`);
  return result.structuredContent as T;
}

/** Calls a tool that must fail as a tool error; returns its text and fleet's error. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ text: string; error: { code: string; message: string; hint?: string } }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.equal(result.isError, true, `${name} should have failed: ${JSON.stringify(result)}`);
  const error = result._meta?.["dev.fleet/error"] as
    { code: string; message: string; hint?: string } | undefined;
  assert.ok(error, `${name}'s error carries no fleet error: ${JSON.stringify(result)}`);
  return { text: textOf(result), error };
}

export interface ListedAgent {
  name: string;
  host: string;
  state: string;
  waitingFor: string | null;
  fleet: string | null;
}

export async function listed(client: Client): Promise<ListedAgent[]> {
  return (await callOk<{ agents: ListedAgent[] }>(client, "list_agents")).agents;
}
