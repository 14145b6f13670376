/**
 * After the tmux server is gone, processes the bench's agents left behind: mngr create
 * starts a detached activity watcher per agent (a bash loop on `kill -0 PANE_PID; sleep 5`)
 * that ends on its own within 5 s of its pane. Waits for them, then ends any still
 * there, by pid, and says so.
 */
import { readFileSync, readdirSync } from "node:fs";

function holders(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

export function stopLeftovers(dir: string, waitMs = 7000): void {
  const deadline = Date.now() + waitMs;
  let left = holders(dir);
  while (left.length > 0 && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    left = holders(dir);
  }
  for (const pid of left) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // gone already
    }
  }
  if (left.length > 0) process.stderr.write(`peers: ended leftover pids ${left.join(", ")}\n`);
}
