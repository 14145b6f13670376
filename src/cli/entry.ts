/**
 * The CLI's entry (dist/bundle/main.js): a plain `fleet list` runs straight away
 * (direct-list.ts); every other command line goes to commander (main.ts).
 */
import { directListOptions } from "./direct-list.ts";
import { exitOnClosedStdout, reportError } from "./report-error.ts";

const direct = directListOptions(process.argv.slice(2));
if (direct === undefined) {
  await import("./main.ts");
} else {
  exitOnClosedStdout();
  try {
    await (await import("./commands/list.ts")).run(direct);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
