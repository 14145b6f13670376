/**
 * `fleet list` (`ls`), built alone into one file (dist/bundle/list/index.js, see
 * scripts/bundle.ts) that bin/fleet.js loads for those commands: loading the
 * dozens of chunks the split bundle spreads list's code over cost more than the
 * tmux call it waits for. A plain list runs straight away (direct-list.ts);
 * any other command line goes to commander (main.ts, left out of this file).
 */
import { directListOptions } from "./direct-list.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";
import { loadSettings } from "../core/settings/current.ts";
import { registerInstalledPlugins } from "../core/plugins/register.ts";

const direct = directListOptions(process.argv.slice(2));
if (direct === undefined) {
  await import("./main.ts");
} else {
  exitOnClosedStdout();
  try {
    // The configuration (fleet config: its prefix) as main.ts loads it for every command.
    const [list] = await Promise.all([import("./commands/list.ts"), loadSettings()]);
    // Hosts of plugin providers are listed too: one file read, none when no plugin was added.
    registerInstalledPlugins();
    await list.run(direct);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
