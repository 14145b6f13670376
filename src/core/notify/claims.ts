/**
 * Once-only sending across processes: before a channel sends an event, the
 * sender claims (event key, channel) by creating a file named by their hash
 * with O_EXCL under FLEET_HOME/notify/sent. The first process to create it
 * sends; every other one (another watcher now, this one after a restart) finds
 * it there and does not. Claims older than the retention are pruned: by then
 * the state they were about has long been replaced by another.
 */
import { createHash } from "node:crypto";
import { open, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { mkdirPrivate, PRIVATE_FILE_MODE } from "../private-files.ts";

export const CLAIM_RETENTION_MS = 7 * 24 * 3600_000;

export const claimsDir = (home: string): string => join(home, "notify", "sent");

const claimName = (eventKey: string, channel: string): string =>
  createHash("sha256").update(eventKey).update("\u0000").update(channel).digest("hex");

/**
 * True for the one caller that claims (eventKey, channel) first. The file holds
 * only the event type and time: neither the key's names nor a channel's URL.
 */
export async function claimOnce(
  home: string,
  eventKey: string,
  channel: string,
  facts: { type: string; at: string },
): Promise<boolean> {
  const dir = claimsDir(home);
  await mkdirPrivate(dir);
  let file;
  try {
    file = await open(join(dir, claimName(eventKey, channel)), "wx", PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await file.writeFile(JSON.stringify({ ...facts, claimedAt: new Date().toISOString() }) + "\n");
  } finally {
    await file.close();
  }
  return true;
}

/** Removes claims older than `maxAgeMs`; returns how many went. */
export async function pruneClaims(
  home: string,
  maxAgeMs = CLAIM_RETENTION_MS,
  now = Date.now(),
): Promise<number> {
  const dir = claimsDir(home);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue;
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || now - info.mtimeMs <= maxAgeMs) continue;
    await rm(file, { force: true });
    removed += 1;
  }
  return removed;
}
