// @ts-check
/**
 * Running the podman CLI. `FLEET_PODMAN` names the program (default `podman`).
 *
 * Resource limits: as root, podman asks runc for RLIMIT_NOFILE 1048576 and a high
 * RLIMIT_NPROC in every container. A process may lower its limits but not raise
 * them past its hard limit without CAP_SYS_RESOURCE, which root inside a container
 * (such as a CI runner) lacks, and runc then fails with "error setting rlimit type
 * 7" (or 6). So containers get this process's own hard limit for open files, and
 * for processes the lower of it and 32768 (what podman's conmon runs with; higher
 * was refused on a machine where the hard limit was 96363). The container's pids
 * limit (4096 unless the host sets `resources.pids`) is what bounds processes.
 */
import { readFileSync } from "node:fs";

export const PODMAN = () => process.env.FLEET_PODMAN || "podman";

const NPROC_CEILING = 32768;

/** @returns {{ nofile?: number, nproc?: number }} this process's hard limits (Linux). */
function hardLimits() {
  /** @type {{ nofile?: number, nproc?: number }} */
  const limits = {};
  try {
    for (const line of readFileSync("/proc/self/limits", "utf8").split("\n")) {
      const match = /^Max (open files|processes)\s+\S+\s+(\d+|unlimited)/.exec(line);
      if (!match || match[2] === "unlimited") continue;
      if (match[1] === "open files") limits.nofile = Number(match[2]);
      else limits.nproc = Number(match[2]);
    }
  } catch {
    // Not Linux: podman's defaults.
  }
  return limits;
}

/** `--ulimit` flags for `podman run`. */
export function ulimitFlags() {
  const { nofile, nproc } = hardLimits();
  const flags = [];
  if (nofile !== undefined) flags.push("--ulimit", `nofile=${nofile}:${nofile}`);
  if (nproc !== undefined) {
    const value = Math.min(nproc, NPROC_CEILING);
    flags.push("--ulimit", `nproc=${value}:${value}`);
  }
  return flags;
}

/**
 * Runs podman with ARGS; resolves with its result whatever the exit code.
 * @param {import("fleet/plugin").PluginSdk} sdk
 * @param {string[]} args
 * @param {{ input?: string | Buffer, timeoutMs?: number }} [options]
 */
export async function podman(sdk, args, options = {}) {
  try {
    return await sdk.run(PODMAN(), args, { ...options, env: process.env });
  } catch (error) {
    throw sdk.error(
      "PODMAN_UNAVAILABLE",
      `cannot run ${PODMAN()}: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: "install podman (Debian: apt-get install podman), or set FLEET_PODMAN to its path",
        fault: "system",
      },
    );
  }
}

/**
 * Runs podman and throws its stderr when it fails.
 * @param {import("fleet/plugin").PluginSdk} sdk
 * @param {string[]} args
 * @param {string} doing what the call does, for the error ("create host box")
 */
export async function podmanOk(sdk, args, doing) {
  const result = await podman(sdk, args);
  if (result.code !== 0) {
    throw sdk.error(
      "PODMAN_FAILED",
      `podman could not ${doing}: ${result.stderr.trim() || `exit ${result.code}`}`,
      {
        fault: "system",
      },
    );
  }
  return result.stdout;
}
