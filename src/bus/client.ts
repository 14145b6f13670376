/**
 * fleet's own way onto the bus: make sure the daemon runs (starting it, detached,
 * when it does not), and connect to it as the operator or with an agent's token,
 * as an MCP client over the socket.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { FleetEnv } from "../core/env.ts";
import { FleetError } from "../core/errors.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../core/private-files.ts";
import { operatorToken } from "./members.ts";
import { busDir, daemonLogFile, socketPath } from "./paths.ts";
import { SocketTransport } from "./socket-transport.ts";

const START_WAIT_MS = 10_000;

/** Connects to the socket, or undefined when nothing listens there. */
function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(undefined));
  });
}

/** True when a daemon answers on the socket. */
export async function busRunning(env: FleetEnv): Promise<boolean> {
  const socket = await tryConnect(socketPath(env));
  socket?.destroy();
  return socket !== undefined;
}

/**
 * Starts the daemon unless one answers. `wait: false` returns at once (an
 * agent's launch: its endpoint retries while the daemon comes up).
 */
export async function ensureBusDaemon(
  env: FleetEnv,
  options: { wait?: boolean } = {},
): Promise<void> {
  if (await busRunning(env)) return;
  await mkdirPrivate(busDir(env));
  const log = openSync(daemonLogFile(env), "a", PRIVATE_FILE_MODE);
  const child = spawn(process.execPath, [fleetEntry(), "bus", "serve"], {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, FLEET_HOME: env.home, FLEET_PREFIX: env.prefix },
  });
  child.unref();
  closeSync(log);
  if (options.wait === false) return;
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    if (await busRunning(env)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new FleetError("BUS_UNAVAILABLE", "the bus daemon did not start within 10 s", {
    hint: `its log is ${daemonLogFile(env)}; \`fleet bus serve\` runs it in the foreground`,
    fault: "system",
  });
}

/** An MCP client on the bus: as the operator, or as the agent whose token is given. */
export async function connectBus(
  env: FleetEnv,
  options: { token?: string; start?: boolean } = {},
): Promise<Client> {
  if (options.start !== false) await ensureBusDaemon(env);
  const token = options.token ?? (await operatorToken(env));
  const socket = await tryConnect(socketPath(env));
  if (!socket) {
    throw new FleetError("BUS_UNAVAILABLE", "the bus daemon is not running", {
      hint: "`fleet bus serve` runs it; anything that needs it starts it",
    });
  }
  socket.write(token + "\n");
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "fleet", version: "1" });
  await client.connect(new SocketTransport(socket));
  return client;
}

/** bin/fleet.js of this installation (from src/bus or dist/bundle). */
function fleetEntry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const entry = join(dir, "bin", "fleet.js");
    if (existsSync(entry)) return entry;
    dir = dirname(dir);
  }
  throw new FleetError(
    "BUS_UNAVAILABLE",
    "cannot find fleet's bin/fleet.js to start the bus daemon",
    {
      fault: "system",
    },
  );
}

/** Calls a bus tool; its structured answer, or its tool error as a FleetError. */
export async function callBusTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError === true) {
    const content = result.content as { type: string; text?: string }[];
    const text = content.find((item) => item.type === "text")?.text ?? "";
    let parsed: { error?: { code?: string; message?: string; hint?: string } } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Not fleet's own error shape: its text is the message.
    }
    throw new FleetError(parsed.error?.code ?? "BUS_ERROR", parsed.error?.message ?? text, {
      ...(parsed.error?.hint === undefined ? {} : { hint: parsed.error.hint }),
    });
  }
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}
