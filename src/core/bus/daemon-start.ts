/**
 * Starting the bus daemon when it is not running: detached, so it outlives the
 * command that needed it. Light on purpose (no MCP SDK): every agent launch
 * comes through here.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../private-files.ts";
import { busDir, daemonLogFile, socketPath } from "./paths.ts";

/** Tells `fleet bus serve` that fleet started it (it then makes no FLEET_HOME that has gone). */
export const SPAWNED_VARIABLE = "FLEET_BUS_SPAWNED";

const START_WAIT_MS = 10_000;

/** Connects to the socket, or undefined when nothing listens there. */
export function tryConnect(path: string): Promise<Socket | undefined> {
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
  /**
   * `processEnv`: the environment the daemon runs with (its tmux server, the secrets
   * it wakes agents with); this process's own by default.
   */
  options: { wait?: boolean; processEnv?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  if (await busRunning(env)) return;
  await mkdirPrivate(busDir(env));
  const log = openSync(daemonLogFile(env), "a", PRIVATE_FILE_MODE);
  const child = spawn(process.execPath, [fleetEntry(), "bus", "serve"], {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...(options.processEnv ?? process.env),
      FLEET_HOME: env.home,
      FLEET_PREFIX: env.prefix,
      [SPAWNED_VARIABLE]: "1",
    },
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
