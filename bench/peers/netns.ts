/**
 * Runs the measuring part of the bench in a new network namespace with only `lo` up
 * (`unshare -n`, as docs of this project do for agent CLIs): fleet, mngr and the tmux
 * server they share can reach nothing but loopback.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const MARK = "FLEET_BENCH_PEERS_NETNS";

export const inLoopbackNetns = (): boolean => process.env[MARK] === "1";

/** This process's network namespace's interfaces (/proc/self/net/dev): ["lo"] inside. */
export function interfaces(): string[] {
  return readFileSync("/proc/self/net/dev", "utf8")
    .split("\n")
    .slice(2)
    .map((line) => line.split(":")[0]?.trim() ?? "")
    .filter(Boolean)
    .sort();
}

/**
 * Re-runs `script` under `unshare -n` with lo brought up, stdout and stderr passed
 * through; returns its exit status. Needs root (or user namespaces); throws if not.
 */
export function reexecInLoopbackNetns(script: string, args: string[]): number {
  const probe = spawnSync("unshare", ["-n", "true"]);
  if (probe.status !== 0) {
    throw new Error(`unshare -n is not allowed here (${probe.stderr.toString().trim()})`);
  }
  const result = spawnSync(
    "unshare",
    ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, script, ...args],
    { stdio: "inherit", env: { ...process.env, [MARK]: "1" } },
  );
  return result.status ?? 1;
}
