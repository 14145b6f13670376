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
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { medianMs: at(0.5), p90Ms: at(0.9), runs };
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
  budget: string;
  pass: boolean;
  notes?: string;
}

export function ratio(result: BenchResult): number | undefined {
  return result.floor ? result.measured.medianMs / result.floor.medianMs : undefined;
}

export function writeResult(result: BenchResult): void {
  process.stdout.write(JSON.stringify(result) + "\n");
}
