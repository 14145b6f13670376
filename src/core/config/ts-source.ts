/**
 * TypeScript fleet files, imported natively (Node >= 22.18 strips types). The
 * user's `import { defineFleet } from "fleet"` resolves to our define module
 * through a synchronous resolve hook, registered once and only on this path.
 */
import module from "node:module";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { pathToFileURL } from "node:url";

/** Specifiers a fleet.ts may import defineFleet from. */
const ALIASES = new Set(["fleet", "fleet/config"]);
const DEFINE_URL = new URL(`./define${extname(new URL(import.meta.url).pathname)}`, import.meta.url)
  .href;

let hooked = false;

function hookFleetImport(): void {
  if (hooked) return;
  hooked = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (ALIASES.has(specifier)) return { url: DEFINE_URL, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
}

/**
 * The fleet declared by a TypeScript (or JavaScript) module: its default export,
 * or what that returns when it is a function. Throws what the import throws.
 */
export async function importFleetModule(file: string): Promise<unknown> {
  hookFleetImport();
  // The version query makes an edited file load afresh in a long-running process
  // (`fleet reconcile --every`), where the module cache would keep the old one.
  const version = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  const url = `${pathToFileURL(file).href}?v=${version}`;
  const loaded = (await import(url)) as { default?: unknown };
  const value = loaded.default;
  return typeof value === "function" ? await (value as () => unknown)() : value;
}
