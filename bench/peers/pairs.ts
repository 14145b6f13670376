/**
 * A/B timing: fleet and the peer run alternately (the order flipping each round), so
 * whatever else loads the machine hits both alike.
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import type { Timing } from "../lib.ts";

export interface Cmd {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Spread extends Timing {
  minMs: number;
  maxMs: number;
}

/**
 * Runs one command, failing loudly (a benchmark of an error is worthless); its wall time
 * until it exits. Its output goes to `log` (a file, not a pipe: mngr create leaves a
 * detached activity watcher behind that would hold a pipe open for as long as it lives).
 */
export function timed(cmd: Cmd, log: string): number {
  const fd = openSync(log, "w");
  let status: number | null;
  const start = performance.now();
  try {
    status = spawnSync(cmd.command, cmd.args, {
      env: cmd.env,
      cwd: cmd.cwd,
      stdio: ["ignore", fd, fd],
    }).status;
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - start;
  if (status !== 0) {
    const shown = [cmd.command, ...cmd.args].join(" ");
    throw new Error(`${shown} failed (${status}): ${readFileSync(log, "utf8")}`);
  }
  return ms;
}

export function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    medianMs: at(0.5) ?? NaN,
    p90Ms: at(0.9) ?? NaN,
    minMs: sorted[0] ?? NaN,
    maxMs: sorted[sorted.length - 1] ?? NaN,
    runs: sorted.length,
  };
}

/** Raw samples (ms) of both sides, to summarise with `spread` or pool across phases. */
export interface Pair {
  fleet: number[];
  mngr: number[];
}

/**
 * `runs` timed rounds after `warmup` untimed ones; round i runs fleet(i) and mngr(i),
 * fleet first in even rounds and mngr first in odd ones. Negative i are warm-ups.
 */
export function timePair(
  fleet: (i: number) => Cmd,
  mngr: (i: number) => Cmd,
  runs: number,
  warmup: number,
  log: string,
): Pair {
  const f: number[] = [];
  const m: number[] = [];
  for (let i = -warmup; i < runs; i++) {
    const fleetFirst = (i + warmup) % 2 === 0;
    const first = fleetFirst ? fleet(i) : mngr(i);
    const second = fleetFirst ? mngr(i) : fleet(i);
    const a = timed(first, log);
    const b = timed(second, log);
    if (i < 0) continue;
    (fleetFirst ? f : m).push(a);
    (fleetFirst ? m : f).push(b);
  }
  return { fleet: f, mngr: m };
}
