/** What every command needs: options common to all, an IoHost and the fleet env. */
import type { ProviderContext } from "../core/contracts/provider.ts";
import { fleetEnv } from "../core/env.ts";
import { usageError } from "../core/errors.ts";
import { safeJson, safeLines } from "../core/text/safe-text.ts";
import { CliIoHost } from "./io.ts";

export interface CommonOptions {
  format?: string;
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

export interface CliContext extends ProviderContext {
  io: CliIoHost;
  format: string;
  color: boolean;
}

export function cliContext(
  options: CommonOptions,
  formats: readonly string[],
  fallback: string,
): CliContext {
  const format = options.json ? "json" : (options.format ?? fallback);
  if (!formats.includes(format)) {
    throw usageError(`unknown format "${format}"`, `use one of: ${formats.join(", ")}`);
  }
  const color =
    options.color !== false && process.stdout.isTTY && process.env.NO_COLOR === undefined;
  return {
    env: fleetEnv(),
    io: new CliIoHost({
      debug: options.debug ?? false,
      color: options.color !== false && process.stderr.isTTY && process.env.NO_COLOR === undefined,
    }),
    format,
    color,
  };
}

/** Writes a result to stdout: JSON documents end with a newline (escaped: see safeJson). */
export function printJson(value: unknown): void {
  process.stdout.write(safeJson(value) + "\n");
}

export const jsonText = safeJson;

/**
 * Writes text for people: everything in it that a terminal could act on is
 * shown escaped (names, errors and notices carry text from hosts and files).
 */
export function printText(text: string, stream: "stdout" | "stderr" = "stdout"): void {
  process[stream].write(safeLines(text.endsWith("\n") ? text : text + "\n"));
}
