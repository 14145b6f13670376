/**
 * Bundles bench/scale/fleet-sim.ts the way scripts/bundle.ts bundles the CLI
 * (one ES module per lazily loaded command, shared chunks), into a directory of
 * the caller's: the benchmark times the product's code as it ships, plus the
 * sim, and nothing of the sim goes near dist/.
 */
import { build } from "esbuild";
import { join } from "node:path";
import { repoRoot } from "../lib.ts";

/** The bundled entry point, run as `node ENTRY ARGS...` like bin/fleet.js. */
export async function buildFleetSim(outdir: string): Promise<string> {
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { "fleet-sim": "bench/scale/fleet-sim.ts" },
    entryNames: "[name]",
    external: ["@pulumi/pulumi", "@pulumi/pulumi/*"],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
    banner: {
      js: 'import { createRequire as __fleetCreateRequire } from "node:module"; const require = __fleetCreateRequire(import.meta.url);',
    },
  });
  return join(outdir, "fleet-sim.js");
}
