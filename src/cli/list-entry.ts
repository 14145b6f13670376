/**
 * `fleet list` (`ls`), built alone into one file (dist/bundle/list/index.js, see
 * scripts/bundle.ts) that bin/fleet.js loads for those commands: loading the
 * dozens of chunks the split bundle spreads list's code over cost more than the
 * tmux call it waits for. A plain list runs straight away (direct-list.ts);
 * any other command line goes to commander (main.ts, left out of this file).
 */
import { directListOptions } from "./direct-list.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";
import { runCommand } from "./run-command.ts";

const direct = directListOptions(process.argv.slice(2));
if (direct === undefined) {
  await import("./main.ts");
} else {
  exitOnClosedStdout();
  try {
    // As commander's path runs it: plugin providers' hosts are listed too.
    await runCommand(() => import("./commands/list.ts"), [direct]);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
