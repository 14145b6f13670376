/**
 * Timing several commands in rounds, one run of each per round, so a burst of
 * load on a shared machine falls on all of them alike and their ratios hold.
 * Each run's CPU time (user + system, from /usr/bin/time) is kept too: it grows
 * with the work alone, where wall time also grows with what else the machine runs.
 */
import { spawnSync } from "node:child_process";
import type { Timing } from "../lib.ts";

export interface Case {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface Timed {
  wall: Timing;
  cpuMedianMs: number;
}

const CPU = /@@cpu ([\d.]+) ([\d.]+)\s*$/;

function runTimed(c: Case): { wallMs: number; cpuMs: number } {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "@@cpu %U %S", c.command, ...c.args], {
    env: c.env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - start;
  const cpu = CPU.exec(result.stderr);
  if (result.status !== 0 || !cpu) {
    throw new Error(`${c.command} ${c.args.join(" ")} failed (${result.status}): ${result.stderr}`);
  }
  return { wallMs, cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export function timeInterleaved(
  cases: readonly Case[],
  runs: number,
  warmup: number,
): Map<string, Timed> {
  const samples = new Map(
    cases.map((c) => [c.label, { wall: [] as number[], cpu: [] as number[] }]),
  );
  for (let round = -warmup; round < runs; round++) {
    for (const c of cases) {
      const { wallMs, cpuMs } = runTimed(c);
      if (round < 0) continue;
      samples.get(c.label)?.wall.push(wallMs);
      samples.get(c.label)?.cpu.push(cpuMs);
    }
  }
  return new Map(
    [...samples].map(([label, { wall, cpu }]) => [
      label,
      {
        wall: { medianMs: quantile(wall, 0.5), p90Ms: quantile(wall, 0.9), runs },
        cpuMedianMs: quantile(cpu, 0.5),
      },
    ]),
  );
}
