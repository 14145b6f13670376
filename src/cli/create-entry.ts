/**
 * `fleet create`, built alone into one file (dist/bundle/create/index.js, see
 * scripts/bundle.ts) that bin/fleet.js loads for it, as list-entry.ts is for
 * `fleet list`: a plain create runs straight away (direct-create.ts); any other
 * command line goes to commander (main.ts, left out of this file).
 */
import { directCreate } from "./direct-create.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";
import { runCommand } from "./run-command.ts";

const direct = directCreate(process.argv.slice(2));
if (direct === undefined) {
  await import("./main.ts");
} else {
  exitOnClosedStdout();
  try {
    await runCommand(
      () => import("./commands/create.ts"),
      [direct.name, direct.args, direct.options],
    );
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
