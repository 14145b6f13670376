import { homedir } from "node:os";
import { join } from "node:path";

/** Where fleet keeps its things and how it names them, from the environment. */
export interface FleetEnv {
  /** Controller dir: config, per-host keys, caches, saved work. Also the local host's fleet dir. */
  home: string;
  /** Prefix of tmux sessions and containers fleet owns. */
  prefix: string;
}

export function fleetEnv(env: NodeJS.ProcessEnv = process.env): FleetEnv {
  return {
    home:
      env.FLEET_HOME !== undefined && env.FLEET_HOME !== ""
        ? env.FLEET_HOME
        : join(homedir(), ".fleet"),
    prefix: env.FLEET_PREFIX ?? "fleet-",
  };
}

/** Where work saved before a delete goes, on the controller. */
export const savedWorkDir = (env: FleetEnv): string => join(env.home, "saved");
