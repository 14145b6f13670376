/**
 * fleet's lock around every stack operation, and the clearing of the file
 * backend's own lock that a killed run leaves behind. Pulumi's lock files name
 * the process that took them; under fleet's lock, one whose process is gone on
 * this machine can only be left over from a killed run, so it is removed. One
 * whose process lives is waited for: a `pulumi up` run by hand, or the engine
 * of a fleet killed with -9, which ends on its own once it finds its program
 * gone (seconds).
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ReleaseLock } from "../../core/contracts/provider.ts";
import { acquireLock, flockArgs, holdLock } from "../../core/flock-holder.ts";
import { FleetError } from "../../core/errors.ts";
import type { IoHost } from "../../core/io.ts";
import { mkdirPrivate, touchPrivateFileSync } from "../../core/private-files.ts";
import type { PulumiPaths } from "./stack-workspace.ts";

export async function lockStack(
  paths: PulumiPaths,
  stack: string,
  io: IoHost,
): Promise<ReleaseLock> {
  const dir = join(paths.root, "locks");
  const file = join(dir, `stack-${stack}.lock`);
  await mkdirPrivate(dir);
  touchPrivateFileSync(file);
  return acquireLock(
    (nonBlocking) =>
      holdLock({ command: "flock", args: flockArgs(file, nonBlocking) }, `the lock ${file}`),
    { io, host: `stack ${stack}` },
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : Promise.resolve([path]);
    }),
  );
  return nested.flat();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const LIVE_HOLDER_WAIT_MS = 5 * 60_000;

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, stack: string, io: IoHost): Promise<void> {
  io.notify({
    level: "warn",
    code: "pulumi.lock.wait",
    message: `waiting for process ${pid}, which holds stack ${stack}'s Pulumi lock, to end`,
    data: { stack, pid },
  });
  const deadline = Date.now() + LIVE_HOLDER_WAIT_MS;
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      throw new FleetError(
        "STACK_LOCKED",
        `stack ${stack} is still locked by process ${pid} after ${LIVE_HOLDER_WAIT_MS / 60_000} minutes`,
        {
          hint: `if that process is not a Pulumi run you expect, stop it (kill ${pid}) and run fleet again`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Removes the stack's Pulumi locks whose process is gone; returns how many. */
export async function clearStaleLocks(
  paths: PulumiPaths,
  project: string,
  stack: string,
  io: IoHost,
): Promise<number> {
  const state = paths.backendUrl.replace(/^file:\/\//, "");
  const locks = (await filesUnder(join(state, ".pulumi", "locks"))).filter(
    (file) => file.endsWith(".json") && file.includes(`/${project}/${stack}/`),
  );
  let cleared = 0;
  for (const file of locks) {
    let holder: { pid?: unknown; hostname?: unknown };
    try {
      holder = JSON.parse(await readFile(file, "utf8")) as typeof holder;
    } catch {
      continue;
    }
    if (typeof holder.pid !== "number" || holder.hostname !== hostname()) continue;
    if (processAlive(holder.pid)) {
      await waitForExit(holder.pid, stack, io);
      // It ended: its lock is gone with it, or left behind if it was killed.
      if (!(await exists(file))) continue;
    }
    await rm(file, { force: true });
    cleared += 1;
    io.notify({
      level: "warn",
      code: "pulumi.lock.cleared",
      message: `cleared stack ${stack}'s Pulumi lock left by process ${holder.pid}, which is gone (a killed run)`,
      data: { stack, pid: holder.pid, file },
    });
  }
  return cleared;
}
