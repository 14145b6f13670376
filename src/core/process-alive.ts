/**
 * Whether a pid from a pid file is still the process that wrote it: alive, not
 * a zombie (a detached child whose parent is gone may never be reaped where
 * PID 1 does not reap, as in many containers), and, when a pattern is given,
 * running that program (a pid may be reused). Linux's /proc; elsewhere a signal 0.
 */
import { readFileSync } from "node:fs";

export function processAlive(pid: number, program?: RegExp): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || process.platform === "linux")
      return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (signalError) {
      return (signalError as NodeJS.ErrnoException).code === "EPERM";
    }
  }
  const state = stat.charAt(stat.lastIndexOf(")") + 2);
  if (state === "Z" || state === "X") return false;
  if (program === undefined) return true;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv.some((word) => program.test(word));
  } catch {
    return false;
  }
}
