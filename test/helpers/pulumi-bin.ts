/**
 * Where the Pulumi engine's binaries are for the tests: FLEET_PULUMI_BIN (a
 * directory holding `pulumi`) if set, else the cache scripts/build-pulumi.sh
 * builds into (scripts/setup-test-env.sh builds it; here the script only looks,
 * with --no-build, so a test never starts the ten-minute compile). Exit status 3
 * of the script (some binaries the Go module proxy does not serve, such as
 * upstream's Node.js language host) is fine as long as `pulumi` is there.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./sandbox.ts";

export type PulumiBinLookup =
  { dir: string; reason?: undefined } | { dir?: undefined; reason: string };

let cached: PulumiBinLookup | undefined;

/** The directory holding the `pulumi` executable, or why there is none. */
export function findPulumiBin(env: NodeJS.ProcessEnv = process.env): PulumiBinLookup {
  if (env === process.env && cached !== undefined) return cached;
  const result = lookup(env);
  if (env === process.env) cached = result;
  return result;
}

/** Why the Pulumi tests cannot run here, or undefined when they can. */
export function pulumiSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findPulumiBin(env).reason;
}

function lookup(env: NodeJS.ProcessEnv): PulumiBinLookup {
  const explicit = env.FLEET_PULUMI_BIN;
  if (explicit !== undefined && explicit !== "") {
    return executable(join(explicit, "pulumi"))
      ? { dir: explicit }
      : { reason: `FLEET_PULUMI_BIN=${explicit} holds no executable pulumi` };
  }
  const script = join(repoRoot, "scripts", "build-pulumi.sh");
  const run = spawnSync("bash", [script, "--no-build"], {
    env: { ...env, PATH: withGo(env.PATH) },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  const said = lastLine(run.stderr);
  if (run.error !== undefined) return { reason: `scripts/build-pulumi.sh: ${run.error.message}` };
  if (run.status !== 0 && run.status !== 3) {
    return {
      reason: `the pulumi CLI is not built (scripts/build-pulumi.sh --no-build exited ${run.status ?? run.signal}: ${said}); scripts/setup-test-env.sh builds it`,
    };
  }
  const dir = lastLine(run.stdout);
  if (dir === "" || !executable(join(dir, "pulumi"))) {
    return { reason: `scripts/build-pulumi.sh named no directory holding pulumi (${said})` };
  }
  return { dir };
}

/** Go's usual install directory, in case PATH lacks it (the script needs `go env`). */
function withGo(path: string | undefined): string {
  return [path ?? "", "/usr/local/go/bin"].filter((part) => part !== "").join(":");
}

function lastLine(text: string | null | undefined): string {
  return (text ?? "").trim().split("\n").at(-1)?.trim() ?? "";
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
