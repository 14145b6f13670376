/**
 * How long read mail is kept and how big a mailbox may grow: 7 days and 64 MiB
 * unless FLEET_BUS_RETENTION / FLEET_BUS_MAX_SIZE say otherwise (or `fleet
 * messages prune` is given its own). The daemon prunes with these at start and
 * every hour; unread mail is dropped only by the size cap, oldest first.
 */
import { FleetError } from "../errors.ts";
import { tryParseDuration, tryParseSize } from "../config/units.ts";

export const DEFAULT_RETENTION = "7d";
export const DEFAULT_MAX_SIZE = "64MiB";

export interface Retention {
  retentionMs: number;
  maxBytes: number;
}

export function retentionFrom(
  env: NodeJS.ProcessEnv,
  given: { olderThan?: string; maxSize?: string } = {},
): Retention {
  const olderThan = given.olderThan ?? env.FLEET_BUS_RETENTION ?? DEFAULT_RETENTION;
  const maxSize = given.maxSize ?? env.FLEET_BUS_MAX_SIZE ?? DEFAULT_MAX_SIZE;
  const retentionMs = tryParseDuration(olderThan);
  if (retentionMs === undefined) {
    throw new FleetError("USAGE", `"${olderThan}" is not a duration`, {
      hint: "e.g. 7d, 12h, 30m",
    });
  }
  const maxBytes = tryParseSize(maxSize);
  if (maxBytes === undefined || maxBytes <= 0) {
    throw new FleetError("USAGE", `"${maxSize}" is not a size`, { hint: "e.g. 64MiB, 500k" });
  }
  return { retentionMs, maxBytes };
}
