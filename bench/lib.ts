/**
 * Benchmark helpers: time whole commands the way a user runs them, and compare
 * with a floor measured in the same run on the same machine.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..");
export const fleetBin = join(repoRoot, "bin", "fleet.js");

export interface Timing {
  medianMs: number;
  p90Ms: number;
  runs: number;
}

export interface BenchEnv {
  env: NodeJS.ProcessEnv;
  dir: string;
  prefix: string;
  cleanup(): void;
}

export function benchEnv(label: string): BenchEnv {
  const dir = mkdtempSync(join(tmpdir(), `fleet-bench-${label}-`));
  mkdirSync(join(dir, "home"));
  mkdirSync(join(dir, "tmux"));
  const prefix = `fb${process.pid.toString(36)}-`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLEET_HOME: join(dir, "home"),
    TMUX_TMPDIR: join(dir, "tmux"),
    FLEET_PREFIX: prefix,
  };
  delete env.TMUX;
  return {
    env,
    dir,
    prefix,
    cleanup() {
      spawnSync("tmux", ["kill-server"], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command, failing loudly if it fails: a benchmark of an error is worthless. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = repoRoot,
): string {
  const result = spawnSync(command, args, {
    env,
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

const summary = (samples: number[]): Timing => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { medianMs: at(0.5), p90Ms: at(0.9), runs: sorted.length };
};

/** Times `runs` executions (after `warmup` untimed ones); `args` may vary per run. */
export function time(
  command: string,
  args: (i: number) => string[],
  env: NodeJS.ProcessEnv,
  runs = 20,
  warmup = 3,
): Timing {
  for (let i = 0; i < warmup; i++) run(command, args(-1 - i), env);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run(command, args(i), env);
    samples.push(performance.now() - start);
  }
  return summary(samples);
}

type Command = { command: string; args: (i: number) => string[] };

/**
 * Times a command against its floor in turns (floor, command, floor, command...):
 * a shared machine's speed drifts, and runs taken far apart compare that drift.
 * `ratio` is the median of each pair's ratio.
 */
export function timePaired(
  measured: Command,
  floor: Command,
  env: NodeJS.ProcessEnv,
  runs = 20,
  warmup = 3,
): { measured: Timing; floor: Timing; ratio: number } {
  const once = (c: Command, i: number): number => {
    const start = performance.now();
    run(c.command, c.args(i), env);
    return performance.now() - start;
  };
  for (let i = 0; i < warmup; i++) {
    once(floor, -1 - i);
    once(measured, -1 - i);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(once(floor, i));
    a.push(once(measured, i));
  }
  const ratios = a.map((ms, i) => ms / (b[i] ?? NaN));
  return { measured: summary(a), floor: summary(b), ratio: summary(ratios).medianMs };
}

export const nodeBin = process.execPath;

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
}

export interface BenchResult {
  name: string;
  measured: Timing;
  floor?: Timing;
  floorDescription?: string;
  /** The median of paired ratios (timePaired), where the runs were taken in turns. */
  ratio?: number;
  budget: string;
  pass: boolean;
  notes?: string;
}

export function ratio(result: BenchResult): number | undefined {
  if (result.ratio !== undefined) return result.ratio;
  return result.floor ? result.measured.medianMs / result.floor.medianMs : undefined;
}

export function writeResult(result: BenchResult): void {
  process.stdout.write(JSON.stringify(result) + "\n");
}
