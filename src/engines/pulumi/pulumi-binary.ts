/**
 * Where the `pulumi` CLI is: FLEET_PULUMI_BIN (a directory), else the cache
 * scripts/build-pulumi.sh builds into, else `pulumi` on PATH. And where fleet's
 * own plugin launchers are (bin/ of this package), which go first on the
 * engine's PATH so that it finds `pulumi-resource-fleet`.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FleetError } from "../../core/errors.ts";

/** The CLI version scripts/build-pulumi.sh builds, matching the @pulumi/pulumi dependency. */
export const PULUMI_VERSION = "3.276.0";

function cacheBins(env: NodeJS.ProcessEnv): string[] {
  const roots = [
    env.FLEET_CACHE_DIR,
    "/var/cache/fleet",
    join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "fleet"),
  ];
  return roots.flatMap((root) => (root ? [join(root, "pulumi", PULUMI_VERSION, "bin")] : []));
}

export function findPulumiBin(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.FLEET_PULUMI_BIN;
  if (explicit !== undefined && explicit !== "") {
    if (existsSync(join(explicit, "pulumi"))) return explicit;
    throw unavailable(`FLEET_PULUMI_BIN=${explicit} holds no pulumi executable`);
  }
  const onPath = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  const found = [...cacheBins(env), ...onPath].find((dir) => existsSync(join(dir, "pulumi")));
  if (found !== undefined) return found;
  throw unavailable("the pulumi CLI was not found");
}

function unavailable(why: string): FleetError {
  return new FleetError("ENGINE_UNAVAILABLE", `the Pulumi engine cannot run: ${why}`, {
    hint: "build it with `bash scripts/build-pulumi.sh` (from Go modules; cached by version), or put pulumi on PATH, or set FLEET_PULUMI_BIN; the native engine (the default) needs none of it",
  });
}

/** This package's bin/ directory, holding `pulumi-resource-fleet`. */
export function fleetPluginBin(): string {
  // From src/engines/pulumi/ (source) or dist/bundle/ (bundled): both two levels or three below the root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "bin", "pulumi-resource-fleet"))) return join(dir, "bin");
    dir = dirname(dir);
  }
  throw new FleetError(
    "ENGINE_UNAVAILABLE",
    "fleet's Pulumi plugin launcher bin/pulumi-resource-fleet is missing from this installation",
    { fault: "system" },
  );
}
