/**
 * The controller-level reconcile lock, so two schedulers never act at once:
 * `flock -n` on `<FLEET_HOME>/locks/reconcile.lock`, held by a child process
 * (released by closing its stdin, or by this process dying). Never waits: the
 * caller says another reconcile is running and decides what to do. The holder
 * writes who it is into the file so the other one can say so.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { flockArgs, holdLock } from "../flock-holder.ts";
import { mkdirPrivate, touchPrivateFileSync, writePrivateFile } from "../private-files.ts";

export interface ReconcileLockHolder {
  pid: number;
  /** ISO time the holder took the lock. */
  since: string;
  /** `--every` of the holder, or null for a one-shot reconcile. */
  every: string | null;
}

export type ReconcileLock =
  | { held: true; release: () => Promise<void> }
  | { held: false; holder: ReconcileLockHolder | undefined };

export const reconcileLockPath = (env: FleetEnv): string =>
  join(env.home, "locks", "reconcile.lock");

export async function tryReconcileLock(
  env: FleetEnv,
  me: { every: string | null },
): Promise<ReconcileLock> {
  const path = reconcileLockPath(env);
  await mkdirPrivate(join(env.home, "locks"));
  touchPrivateFileSync(path);
  const release = await hold(path);
  if (release === "busy") return { held: false, holder: await readHolder(path) };
  const holder: ReconcileLockHolder = {
    pid: process.pid,
    since: new Date().toISOString(),
    every: me.every,
  };
  // Rewriting the file's contents does not touch the lock, which is on the file itself.
  await writePrivateFile(path, JSON.stringify(holder) + "\n").catch(() => undefined);
  return { held: true, release };
}

async function readHolder(path: string): Promise<ReconcileLockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, "utf8")) as Partial<ReconcileLockHolder>;
    if (typeof value.pid !== "number" || typeof value.since !== "string") return undefined;
    return { pid: value.pid, since: value.since, every: value.every ?? null };
  } catch {
    // Taken a moment ago and not written yet, or written by something else.
    return undefined;
  }
}

const hold = (path: string): Promise<(() => Promise<void>) | "busy"> =>
  holdLock({ command: "flock", args: flockArgs(path, true) }, "the reconcile lock");
