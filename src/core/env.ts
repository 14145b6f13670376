import { join } from "node:path";
import { FleetError } from "./errors.ts";
import { fleetHomeDir, PREFIX_PATTERN } from "./home.ts";
import { currentSettings } from "./settings/current.ts";
import type { Settings } from "./settings/schema.ts";

// Kept here too for their many importers; home.ts is their own (it imports nothing of fleet's).
export { fleetHomeDir, PREFIX_PATTERN };

/** Where fleet keeps its things and how it names them, from the environment. */
export interface FleetEnv {
  /** Controller dir: config, per-host keys, caches, saved work. Also the local host's fleet dir. */
  home: string;
  /** Prefix of tmux sessions and containers fleet owns. */
  prefix: string;
  /** The configuration in effect (`fleet config`); absent where none was loaded. */
  settings?: Settings;
}

/** FLEET_PREFIX wins over the configured prefix, which wins over `fleet-`. */
export function fleetEnv(env: NodeJS.ProcessEnv = process.env): FleetEnv {
  const settings = currentSettings().values;
  return {
    home: fleetHomeDir(env),
    prefix: validPrefix(env.FLEET_PREFIX ?? settings.prefix ?? "fleet-"),
    settings,
  };
}

function validPrefix(prefix: string): string {
  if (PREFIX_PATTERN.test(prefix)) return prefix;
  throw new FleetError(
    "INVALID_PREFIX",
    `FLEET_PREFIX ${JSON.stringify(prefix)} is not a valid prefix: it must be 1 to 32 letters, digits, - or _, starting with a letter or digit`,
    { hint: "unset FLEET_PREFIX to use the default fleet-, or set one such as team-a-" },
  );
}

/** Where work saved before a delete goes, on the controller. */
export const savedWorkDir = (env: FleetEnv): string => join(env.home, "saved");
