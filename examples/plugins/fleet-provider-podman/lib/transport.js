// @ts-check
/**
 * A podman host's Transport: every command is one `podman exec -i` into the
 * host's container, as root, with stdin free for what the runtime sends
 * (secrets, messages, bundles).
 */
import { PODMAN, podman } from "./podman.js";

/** The fleet dir inside every host container (an anonymous volume, removed with it). */
export const FLEET_DIR = "/fleet";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `podman exec` options for env and cwd.
 * @param {import("fleet/plugin").PluginSdk} sdk
 * @param {{ env?: Record<string, string>, cwd?: string }} options
 */
function execFlags(sdk, options) {
  const flags = [];
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(key))
      throw sdk.error("INVALID_ENV", `"${key}" is not a valid environment variable name`);
    flags.push("--env", `${key}=${value}`);
  }
  if (options.cwd !== undefined) flags.push("--workdir", options.cwd);
  return flags;
}

/** @typedef {import("fleet/plugin").Transport} Transport */

/** @implements {Transport} */
export class PodmanTransport {
  /**
   * @param {import("fleet/plugin").PluginSdk} sdk
   * @param {string} container
   */
  constructor(sdk, container) {
    this.sdk = sdk;
    this.container = container;
    this.fleetDir = FLEET_DIR;
  }

  /**
   * @param {string[]} argv
   * @param {import("fleet/plugin").ExecOptions} [options]
   */
  exec(argv, options = {}) {
    if (argv.length === 0) return Promise.reject(new Error("exec: empty argv"));
    const args = ["exec", "-i", ...execFlags(this.sdk, options), this.container, ...argv];
    return podman(this.sdk, args, { input: options.input, timeoutMs: options.timeoutMs });
  }

  /**
   * @param {string} script
   * @param {import("fleet/plugin").ExecOptions} [options]
   */
  script(script, options = {}) {
    return this.exec(["sh", "-c", `umask 077\n${script}`], options);
  }

  /**
   * @param {string[]} argv
   * @param {{ tty: boolean, cwd?: string }} options
   */
  interactive(argv, options) {
    return {
      command: PODMAN(),
      args: [
        "exec",
        "-i",
        ...(options.tty ? ["-t"] : []),
        ...execFlags(this.sdk, options),
        this.container,
        ...argv,
      ],
    };
  }
}
