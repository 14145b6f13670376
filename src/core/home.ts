/**
 * Where the controller keeps its things and the shape of the prefix it names them
 * with: read by the settings too, so this imports nothing of fleet's (env.ts,
 * which loads the settings, builds on it).
 */
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * FLEET_PREFIX starts every tmux session and container name fleet owns, so it
 * must be a valid start of both (no `:` or `.`, which tmux reads as window and
 * pane separators; nothing a shell or Docker would mangle), and not empty: an
 * empty prefix would make every session on the server look like fleet's.
 */

export const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** FLEET_HOME, or `~/.fleet`. */
export function fleetHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEET_HOME !== undefined && env.FLEET_HOME !== ""
    ? env.FLEET_HOME
    : join(homedir(), ".fleet");
}
