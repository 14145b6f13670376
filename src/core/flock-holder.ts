/**
 * fleet's locks are `flock` held by a child process: it prints `locked` once it
 * holds the lock and keeps it until its stdin closes (or this process dies, so a
 * crashed fleet never leaves a lock behind). The same protocol serves host locks
 * reached through a transport, docker hosts' locks on this machine and the
 * reconcile lock; only the command that runs flock differs.
 */
import { spawn } from "node:child_process";
import type { ReleaseLock } from "./contracts/provider.ts";
import type { InteractiveCommand } from "./contracts/transport.ts";
import { FleetError } from "./errors.ts";
import type { IoHost } from "./io.ts";

/** flock's exit code (`-E`) when `-n` finds the lock taken. */
export const LOCK_BUSY = 75;

/** Arguments for `flock` holding FILE the way holdLock expects. */
export function flockArgs(file: string, nonBlocking: boolean): string[] {
  return [
    "-x",
    ...(nonBlocking ? ["-n"] : []),
    "-E",
    String(LOCK_BUSY),
    file,
    "sh",
    "-c",
    "echo locked; exec cat",
  ];
}

/** Runs `command` (which runs flock as above); resolves once held, or "busy". */
export function holdLock(command: InteractiveCommand, what: string): Promise<ReleaseLock | "busy"> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      env: command.env ? { ...process.env, ...command.env } : process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
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
      // A forgotten lock must not keep fleet from exiting; exiting releases it.
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        (stream as unknown as { unref?: () => void }).unref?.();
      }
      resolve(async () => {
        child.ref();
        (child.stdout as unknown as { ref?: () => void }).ref?.();
        child.stdin.end();
        await closed;
      });
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(lockError(what, error.code === "ENOENT" ? "missing" : error.message));
    });
    child.on("close", (code) => {
      if (held) return;
      if (code === LOCK_BUSY) {
        resolve("busy");
        return;
      }
      const missing = code === 127 || /flock: (not found|command not found)/.test(stderr);
      reject(lockError(what, missing ? "missing" : stderr.trim() || `exit code ${code ?? "?"}`));
    });
  });
}

export function lockError(what: string, reason: string): FleetError {
  return reason === "missing"
    ? new FleetError("LOCK_FAILED", `cannot take ${what}: flock is not installed there`, {
        fault: "system",
        hint: "install util-linux (it provides flock)",
      })
    : new FleetError("LOCK_FAILED", `cannot take ${what}: ${reason}`, { fault: "system" });
}

/**
 * Takes a lock, first without waiting; when another fleet process holds it,
 * says so (the wait is visible) and then waits for it.
 */
export async function acquireLock(
  hold: (nonBlocking: boolean) => Promise<ReleaseLock | "busy">,
  notice: { io: IoHost; host: string },
): Promise<ReleaseLock> {
  const first = await hold(true);
  if (first !== "busy") return first;
  notice.io.notify({
    level: "warn",
    code: "lock.wait",
    message: `waiting for another fleet process to release the lock on host ${notice.host}`,
    data: { host: notice.host },
  });
  const second = await hold(false);
  if (second === "busy") throw new Error("unreachable: a blocking flock is never busy");
  return second;
}
