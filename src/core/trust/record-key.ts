/**
 * The controller's key for agent records: 32 random bytes, hex, in
 * `FLEET_HOME/trust/record.key` (dir 0700, file 0600), made on first use. It lives
 * outside `FLEET_HOME/agents/`, the local host's part of FLEET_HOME, and never
 * leaves this machine: hosts get records sealed with it, never the key.
 */
import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FleetError } from "../errors.ts";

const KEY_PATTERN = /^[0-9a-f]{64}$/;
// A KeyObject, made once: an HMAC under one costs less than one under the raw
// bytes, which would be made into a key again for every record checked.
const cache = new Map<string, KeyObject>();

export const recordKeyPath = (home: string): string => join(home, "trust", "record.key");

/** The key of the controller whose FLEET_HOME is `home`, made when there is none yet. */
export function recordKey(home: string): KeyObject {
  const cached = cache.get(home);
  if (cached) return cached;
  const path = recordKeyPath(home);
  let text = readKeyFile(path);
  if (text === undefined) {
    mkdirSync(join(home, "trust"), { recursive: true, mode: 0o700 });
    chmodSync(join(home, "trust"), 0o700);
    try {
      // `wx`: two fleet processes starting at once must end up with the same key.
      writeFileSync(path, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw keyError(path, error);
    }
    text = readKeyFile(path);
  }
  const hex = text?.trim() ?? "";
  if (!KEY_PATTERN.test(hex)) {
    throw new FleetError("RECORD_KEY_INVALID", `the record key ${path} is not a fleet key`, {
      fault: "system",
      hint: "restore it from a backup; or delete it, after which every agent must be adopted (`fleet adopt NAME`) or re-created",
    });
  }
  const key = createSecretKey(Buffer.from(hex, "hex"));
  cache.set(home, key);
  return key;
}

function readKeyFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw keyError(path, error);
  }
}

const keyError = (path: string, error: unknown): FleetError =>
  new FleetError(
    "RECORD_KEY_UNREADABLE",
    `cannot read the record key ${path}: ${(error as Error).message}`,
    { fault: "system", hint: "check the permissions of FLEET_HOME/trust", cause: error },
  );
