/**
 * The per-host mutation lock of a docker host lives on this machine, not in the
 * container: the container may not exist yet (create) or be about to go
 * (destroy). It is the runtime's scheme (src/core/host/lock.ts: `flock` held by a
 * child process that prints `locked`, released by closing its stdin or by this
 * process dying) on `<FLEET_HOME>/locks/docker-<container>.lock`, with flock
 * started directly: apply locks every host first, one after another, and the
 * runtime's shell-wrapped holder costs twice the processes.
 */
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ProviderContext, ReleaseLock } from "../../src/core/contracts/provider.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { containerName } from "./names.ts";

const BUSY = 75;

export async function lockDockerHost(host: HostSpec, ctx: ProviderContext): Promise<ReleaseLock> {
  const dir = join(ctx.env.home, "locks");
  const file = join(dir, `docker-${containerName(ctx.env.prefix, host.name)}.lock`);
  await mkdir(dir, { recursive: true });
  const first = await hold(file, true);
  if (first !== "busy") return first;
  ctx.io.notify({
    level: "warn",
    code: "lock.wait",
    message: `waiting for another fleet process to release the lock on host ${host.name}`,
    data: { host: host.name },
  });
  const second = await hold(file, false);
  if (second === "busy") throw new Error("unreachable: a blocking flock is never busy");
  return second;
}

function hold(file: string, nonBlocking: boolean): Promise<ReleaseLock | "busy"> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "flock",
      [
        "-x",
        ...(nonBlocking ? ["-n"] : []),
        "-E",
        String(BUSY),
        file,
        "sh",
        "-c",
        "echo locked; exec cat",
      ],
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
      reject(
        new FleetError(
          "LOCK_FAILED",
          error.code === "ENOENT"
            ? "cannot take the host lock: flock is not installed on this machine"
            : `cannot take the host lock: ${error.message}`,
          {
            fault: "system",
            ...(error.code === "ENOENT" ? { hint: "install util-linux (it provides flock)" } : {}),
          },
        ),
      );
    });
    child.on("close", (code) => {
      if (held) return;
      if (code === BUSY) resolve("busy");
      else
        reject(
          new FleetError(
            "LOCK_FAILED",
            `cannot take the lock ${file}: ${stderr.trim() || `exit code ${code ?? "?"}`}`,
            { fault: "system" },
          ),
        );
    });
  });
}
