/**
 * Where the bus keeps its things, under FLEET_HOME/bus: mailboxes/ (the JSONL
 * files), agents/<host>/<agent>.json (who may connect, by token hash), run/
 * (the daemon's socket, the one directory docker hosts get mounted), the
 * operator's token and the daemon's pid and log.
 */
import { chmod, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";

export const busDir = (env: FleetEnv): string => join(env.home, "bus");
export const mailboxDir = (env: FleetEnv): string => join(busDir(env), "mailboxes");
export const membersDir = (env: FleetEnv): string => join(busDir(env), "agents");
export const socketDir = (env: FleetEnv): string => join(busDir(env), "run");
export const operatorTokenFile = (env: FleetEnv): string => join(busDir(env), "operator-token");
export const daemonPidFile = (env: FleetEnv): string => join(busDir(env), "daemon.pid");
export const daemonLockFile = (env: FleetEnv): string => join(busDir(env), "daemon.lock");
export const daemonLogFile = (env: FleetEnv): string => join(busDir(env), "daemon.log");

/** The socket's file name, the same in every place it is seen from. */
export const SOCKET_NAME = "bus.sock";
/** Where a docker host sees the bus's run/ directory (mounted read-only). */
export const CONTAINER_SOCKET_DIR = "/run/fleet-bus";

/** Linux's limit on a unix socket's path (sun_path, less its NUL). */
const MAX_SOCKET_PATH = 107;

export function socketPath(env: FleetEnv): string {
  const path = join(socketDir(env), SOCKET_NAME);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new FleetError(
      "BUS_SOCKET_PATH",
      `the bus's socket path ${path} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket may have`,
      { hint: "set FLEET_HOME to a shorter directory", fault: "system" },
    );
  }
  return path;
}

/**
 * Makes run/ (0711: a container's root, which has no capabilities, must enter it
 * even when fleet runs as another user; FLEET_HOME above it stays 0700).
 */
export async function readySocketDir(env: FleetEnv): Promise<string> {
  const dir = socketDir(env);
  // Its parent first, 0700 like the rest of FLEET_HOME: only run/ itself is 0711.
  await mkdir(busDir(env), { recursive: true, mode: 0o700 });
  await mkdir(dir, { recursive: true, mode: SOCKET_DIR_MODE });
  await chmod(dir, SOCKET_DIR_MODE);
  return dir;
}

const SOCKET_DIR_MODE = 0o711;
