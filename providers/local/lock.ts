/**
 * The local host lock: the same `flock` on `FLEET_HOME/lock` that the transport's
 * lock holder takes (src/core/host/lock.ts), so both exclude each other, but on a
 * descriptor this process opened and lends to one `flock` child. flock(2) locks
 * belong to the open file, not the process: the lock outlives that child and is
 * held until the descriptor is closed, by the release or by this process ending.
 * One short `flock` instead of a shell, mkdir, flock, shell and cat that stay up.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { ReleaseLock } from "../../src/core/contracts/provider.ts";
import { acquireLock, LOCK_BUSY, lockError } from "../../src/core/flock-holder.ts";
import type { IoHost } from "../../src/core/io.ts";
import { mkdirPrivateSync, PRIVATE_FILE_MODE } from "../../src/core/private-files.ts";

const WHAT = "the host lock";

export function acquireLocalLock(
  fleetDir: string,
  options: { host: string; io: IoHost },
): Promise<ReleaseLock> {
  return acquireLock((nonBlocking) => holdFileLock(fleetDir, nonBlocking), options);
}

/** The lock if it is free now, else "busy" (no waiting, no notice). */
export function tryLocalLock(fleetDir: string): Promise<ReleaseLock | "busy"> {
  return holdFileLock(fleetDir, true);
}

function holdFileLock(fleetDir: string, nonBlocking: boolean): Promise<ReleaseLock | "busy"> {
  mkdirPrivateSync(fleetDir);
  // Opened close-on-exec: no agent, tmux server or git started later inherits it.
  const fd = openSync(`${fleetDir}/lock`, "a", PRIVATE_FILE_MODE);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: ReleaseLock | "busy" | Error): void => {
      if (settled) return;
      settled = true;
      if (typeof outcome === "function") {
        resolve(outcome);
        return;
      }
      closeSync(fd);
      if (outcome === "busy") resolve("busy");
      else reject(outcome);
    };
    const child = spawn(
      "flock",
      ["-x", ...(nonBlocking ? ["-n"] : []), "-E", String(LOCK_BUSY), "3"],
      { stdio: ["ignore", "ignore", "pipe", fd] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => {
      settle(lockError(WHAT, error.code === "ENOENT" ? "missing" : error.message));
    });
    child.on("close", (code) => {
      if (code === LOCK_BUSY) settle("busy");
      else if (code !== 0) settle(lockError(WHAT, stderr.trim() || `exit code ${code ?? "?"}`));
      else {
        let held = true;
        settle(() => {
          if (held) closeSync(fd);
          held = false;
          return Promise.resolve();
        });
      }
    });
  });
}
