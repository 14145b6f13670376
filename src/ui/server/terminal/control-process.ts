/**
 * The process a control-mode client runs in (local sh, `docker exec -i`, `ssh -T`),
 * as a {@link ControlChannel}. Ending it: tmux leaves when its stdin closes (and
 * `docker exec` and `ssh` pass that on to the host); a process that does not
 * is signalled, and waited for, so it is reaped here and never left a zombie.
 */
import { spawn } from "node:child_process";
import type { InteractiveCommand } from "../../../core/contracts/transport.ts";
import { safeText } from "../../../core/text/safe-text.ts";
import type { ControlChannel } from "./tmux-control.ts";

const GRACE_MS = 3000;
const STDERR_KEPT = 2000;

export interface ControlProcess extends ControlChannel {
  pid: number | undefined;
  /** The end of what the process wrote on stderr (ssh's and docker's own errors), made printable. */
  stderrTail(): string;
}

export function spawnControlProcess(command: InteractiveCommand): ControlProcess {
  const child = spawn(command.command, command.args, {
    env: { ...process.env, ...command.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEPT);
  });
  const exited = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    // Not started at all (no such program): close follows error, but not always.
    child.once("error", () => resolve());
  });
  let ended = false;
  void exited.then(() => (ended = true));

  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderrTail: () => safeText(stderr.trim()),
    async terminate() {
      child.stdin.end();
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        if (ended) return;
        const timer = timeout(GRACE_MS);
        await Promise.race([exited, timer.done]);
        timer.cancel();
        if (ended) return;
        child.kill(signal);
      }
      await exited;
    },
  };
}

function timeout(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}
