/**
 * The latency's floor: a change waits on average half the refresh interval for
 * the next discovery round, which then takes as long as one round in process.
 */
import { readLive } from "../../src/core/actions/agent-target.ts";
import { fleetEnv } from "../../src/core/env.ts";
import type { BenchEnv, Timing } from "../lib.ts";
import { AGENTS } from "./settings.ts";
import { type Stats, stats } from "./stats.ts";

/** One discovery round as the server runs it (readLive), in this process: ms each. */
export async function discoveryRounds(bench: BenchEnv, n: number): Promise<Stats> {
  for (const key of ["FLEET_HOME", "TMUX_TMPDIR", "FLEET_PREFIX"] as const) {
    process.env[key] = bench.env[key];
  }
  delete process.env.TMUX;
  const ctx = {
    env: fleetEnv(bench.env),
    io: { notify: () => undefined, confirm: () => Promise.resolve(false) },
  };
  const samples: number[] = [];
  for (let i = -2; i < n; i++) {
    const start = performance.now();
    const { live } = await readLive(ctx);
    if (live.agents.length !== AGENTS) throw new Error(`a round read ${live.agents.length} agents`);
    if (i >= 0) samples.push(performance.now() - start);
  }
  return stats(samples);
}

export const latencyFloorMs = (rounds: Stats, intervalMs: number) => intervalMs / 2 + rounds.median;

/** The floor as a row's Timing: its p90 from the rounds' p90. */
export const latencyFloor = (rounds: Stats, intervalMs: number): Timing => ({
  medianMs: latencyFloorMs(rounds, intervalMs),
  p90Ms: intervalMs / 2 + rounds.p90,
  runs: rounds.n,
});
