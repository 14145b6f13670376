/**
 * The per-host mutation lock: `flock` on `<fleetDir>/lock`, held by a child
 * process started through the host's transport, released by closing its stdin
 * (or by this process dying). The same code works locally, through `docker exec
 * -i` and over SSH.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { ReleaseLock } from "../contracts/provider.ts";
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { IoHost } from "../io.ts";

const BUSY = 75;
const HOLD = `mkdir -p "$1" && exec flock $2 -E ${BUSY} -x "$1/lock" sh -c 'echo locked; exec cat'`;

export async function acquireHostLock(
  transport: Transport,
  options: { host: string; io: IoHost },
): Promise<ReleaseLock> {
  const first = await hold(transport, true);
  if (first !== "busy") return first;
  options.io.notify({
    level: "warn",
    code: "lock.wait",
    message: `waiting for another fleet process to release the lock on host ${options.host}`,
    data: { host: options.host },
  });
  const second = await hold(transport, false);
  if (second === "busy") throw new Error("unreachable: a blocking flock is never busy");
  return second;
}

function hold(transport: Transport, nonBlocking: boolean): Promise<ReleaseLock | "busy"> {
  const command = transport.interactive(
    ["sh", "-c", HOLD, "sh", transport.fleetDir, nonBlocking ? "-n" : ""],
    { tty: false },
  );
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(command.command, command.args, {
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
      if (!held && stdout.includes("locked\n")) {
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
      }
    });
    child.on("error", (error) => {
      reject(
        new FleetError("LOCK_FAILED", `cannot take the host lock: ${error.message}`, {
          fault: "system",
        }),
      );
    });
    child.on("close", (code) => {
      if (held) return;
      if (code === BUSY) {
        resolve("busy");
        return;
      }
      const missing = code === 127 || /flock: (not found|command not found)/.test(stderr);
      reject(
        new FleetError(
          "LOCK_FAILED",
          missing
            ? "cannot take the host lock: flock is not installed there"
            : `cannot take the host lock: ${stderr.trim() || `exit code ${code ?? "?"}`}`,
          {
            fault: "system",
            ...(missing ? { hint: "install util-linux (it provides flock)" } : {}),
          },
        ),
      );
    });
  });
}
