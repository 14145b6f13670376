/**
 * Turning an error into its message and exit code, and stdout's early close: the
 * same for commands commander parsed (main.ts) and those read directly (entry.ts).
 */
import { type FleetError, toFleetError } from "../core/errors.ts";
import { safeJson, safeLines } from "../core/text/safe-text.ts";

const debugRequested = process.argv.includes("--debug");
const jsonRequested =
  process.argv.includes("--json") || /--format[= ]json/.test(process.argv.join(" "));

/** Prints the error (JSON on stdout with --json or --format json); returns the exit code. */
export function reportError(error: unknown): number {
  const fleetError: FleetError = toFleetError(error);
  if (jsonRequested) {
    const json = safeJson({ error: fleetError.toJSON() });
    process.stdout.write(json + "\n");
  } else {
    // Error text carries names, paths and host output: never raw to the terminal.
    process.stderr.write(`error: ${safeLines(fleetError.message)}\n`);
    if (fleetError.hint) process.stderr.write(`hint: ${safeLines(fleetError.hint)}\n`);
    if (fleetError.fault === "system" && !debugRequested && fleetError.code === "INTERNAL") {
      process.stderr.write("(run again with --debug for details)\n");
    }
  }
  if (debugRequested && error instanceof Error && error.stack)
    process.stderr.write(error.stack + "\n");
  return fleetError.exitCode;
}

/** `fleet list | head` closes our stdout early: that is the reader's choice, not an error. */
export function exitOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
