/**
 * `fleet create`, built alone into one file (dist/bundle/create/index.js, see
 * scripts/bundle.ts) that bin/fleet.js loads for it, as list-entry.ts is for
 * `fleet list`: a plain create runs straight away (direct-create.ts); any other
 * command line goes to commander (main.ts, left out of this file).
 */
import { directCreate } from "./direct-create.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";
import { loadSettings } from "../core/settings/current.ts";
import { registerInstalledPlugins } from "../core/plugins/register.ts";

const direct = directCreate(process.argv.slice(2));
if (direct === undefined) {
  await import("./main.ts");
} else {
  exitOnClosedStdout();
  try {
    // As main.ts runs every command: once the configuration (fleet config) is loaded.
    const [create] = await Promise.all([import("./commands/create.ts"), loadSettings()]);
    registerInstalledPlugins();
    await create.run(direct.name, direct.args, direct.options);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
