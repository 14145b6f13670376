/**
 * Runs one of examples/pulumi/ as Pulumi would (importing its index.ts), under
 * the mocks already installed. `fleet/pulumi` is this checkout's source: a
 * resolve hook maps it, as a project that installed fleet maps it to the
 * package's bundle. The import path is computed, so `tsc -p .` does not follow
 * it (examples/pulumi/tsconfig.json type-checks the examples).
 */
import { registerHooks } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";

export const repoRoot = join(import.meta.dirname, "..", "..", "..");
const SDK_URL = pathToFileURL(join(repoRoot, "src", "pulumi-sdk", "index.ts")).href;

let hooked = false;
function mapFleetPulumi(): void {
  if (hooked) return;
  registerHooks({
    resolve: (specifier, context, nextResolve) =>
      nextResolve(specifier === "fleet/pulumi" ? SDK_URL : specifier, context),
  });
  hooked = true;
}

/** Sets the stack's config (`KEY` of the example's project; `secret` ones as secrets). */
export function setExampleConfig(
  project: string,
  values: Record<string, string>,
  secret: string[] = [],
): void {
  const prefixed = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [`${project}:${key}`, value]),
  );
  pulumi.runtime.setAllConfig(
    prefixed,
    secret.map((key) => `${project}:${key}`),
  );
}

/** Imports examples/pulumi/NAME/index.ts: its resources register; its exports are the stack's outputs. */
export async function runExample(name: string): Promise<Record<string, unknown>> {
  mapFleetPulumi();
  const url = pathToFileURL(join(repoRoot, "examples", "pulumi", name, "index.ts")).href;
  return (await import(url)) as Record<string, unknown>;
}
