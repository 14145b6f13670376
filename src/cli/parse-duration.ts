import { parseDuration } from "../core/config/units.ts";
import { usageError } from "../core/errors.ts";

/** A flag's duration (`30s`, `5m`, `1h`), or a usage error that names the flag. */
export function parseDurationFlag(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw usageError(`${flag} expects a duration such as 30s, 1m or 1h, not "${text}"`);
  }
}
