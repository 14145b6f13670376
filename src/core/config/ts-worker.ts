/**
 * The worker thread a TypeScript fleet file is loaded in (see ts-source.ts):
 * imports the file, resolves its default export and posts the result, or what
 * went wrong, to the thread that started it. The user's
 * `import { defineFleet } from "fleet"` resolves to our define module through a
 * synchronous resolve hook registered here, in this thread only.
 */
import module from "node:module";
import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

/** What the worker posts back, once. */
export type FleetModuleReply =
  | { kind: "value"; value: unknown }
  | { kind: "error"; message: string; code?: string }
  | { kind: "rejection"; message: string };

/** Specifiers a fleet.ts may import defineFleet from. */
const ALIASES = new Set(["fleet", "fleet/config"]);
const DEFINE_URL = new URL(`./define${extname(new URL(import.meta.url).pathname)}`, import.meta.url)
  .href;

const describe = (reason: unknown): string =>
  reason instanceof Error ? reason.message : String(reason);

function reply(message: FleetModuleReply): void {
  parentPort?.postMessage(message);
}

async function load(file: string): Promise<void> {
  if (typeof (module as { registerHooks?: unknown }).registerHooks !== "function") {
    reply({ kind: "error", message: "module.registerHooks is missing", code: "NODE_TOO_OLD" });
    return;
  }
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (ALIASES.has(specifier)) return { url: DEFINE_URL, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
  process.on("unhandledRejection", (reason) => {
    reply({ kind: "rejection", message: describe(reason) });
  });
  try {
    const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const exported = loaded.default;
    const value = typeof exported === "function" ? await (exported as () => unknown)() : exported;
    // A rejection nobody handled is reported after the microtasks of the import:
    // let it come first, so it is not mistaken for a success.
    await new Promise((resolve) => setImmediate(resolve));
    reply({ kind: "value", value });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    reply({
      kind: "error",
      message: describe(error),
      ...(typeof code === "string" ? { code } : {}),
    });
  }
}

if (parentPort !== null) await load((workerData as { file: string }).file);
