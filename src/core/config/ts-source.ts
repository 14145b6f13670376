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
import { FleetError } from "../errors.ts";

/** Specifiers a fleet.ts may import defineFleet from. */
const ALIASES = new Set(["fleet", "fleet/config"]);
const DEFINE_URL = new URL(`./define${extname(new URL(import.meta.url).pathname)}`, import.meta.url)
  .href;

let hooked = false;

/** Node too old for a fleet.ts is the machine's fault, not the file's: say how to run a newer one. */
function nodeTooOld(): FleetError {
  return new FleetError(
    "NODE_TOO_OLD",
    `loading a TypeScript fleet file needs Node >= 22.18 (type stripping and module.registerHooks); fleet is running on Node ${process.version} (${process.execPath})`,
    {
      fault: "system",
      hint: "run fleet with Node 24: node_modules/.bin/node bin/fleet.js, or `npm run`/`npx fleet`; `fleet doctor` shows which node runs",
    },
  );
}

function hookFleetImport(): void {
  if (hooked) return;
  if (typeof (module as { registerHooks?: unknown }).registerHooks !== "function")
    throw nodeTooOld();
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
  let loaded: { default?: unknown };
  try {
    loaded = (await import(url)) as { default?: unknown };
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION") throw nodeTooOld();
    throw error;
  }
  const value = loaded.default;
  return typeof value === "function" ? await (value as () => unknown)() : value;
}
