/**
 * The controller-level reconcile lock, so two schedulers never act at once:
 * `flock -n` on `<FLEET_HOME>/locks/reconcile.lock`, held by a child process
 * (released by closing its stdin, or by this process dying). Never waits: the
 * caller says another reconcile is running and decides what to do. The holder
 * writes who it is into the file so the other one can say so.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { FleetError } from "../errors.ts";

const BUSY = 75;

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
  await mkdir(join(env.home, "locks"), { recursive: true });
  const release = await hold(path);
  if (release === "busy") return { held: false, holder: await readHolder(path) };
  const holder: ReconcileLockHolder = {
    pid: process.pid,
    since: new Date().toISOString(),
    every: me.every,
  };
  // Rewriting the file's contents does not touch the lock, which is on the file itself.
  await writeFile(path, JSON.stringify(holder) + "\n").catch(() => undefined);
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

function hold(path: string): Promise<(() => Promise<void>) | "busy"> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "flock",
      ["-n", "-E", String(BUSY), "-x", path, "sh", "-c", "echo locked; exec cat"],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let held = false;
    const closed = new Promise<void>((done) => child.on("close", () => done()));
    child.stdin.on("error", () => undefined);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (held || !stdout.includes("locked\n")) return;
      held = true;
      // A held lock must not keep fleet from exiting; exiting releases it.
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        (stream as unknown as { unref?: () => void }).unref?.();
      }
      resolve(async () => {
        child.ref();
        child.stdin.end();
        await closed;
      });
    });
    child.on("error", (error) => {
      reject(
        new FleetError("LOCK_FAILED", `cannot take the reconcile lock: ${error.message}`, {
          fault: "system",
          hint: "install util-linux (it provides flock)",
        }),
      );
    });
    child.on("close", (code) => {
      if (held) return;
      if (code === BUSY) resolve("busy");
      else
        reject(
          new FleetError(
            "LOCK_FAILED",
            `cannot take the reconcile lock ${path}: ${stderr.trim() || `exit code ${code ?? "?"}`}`,
            { fault: "system" },
          ),
        );
    });
  });
}
