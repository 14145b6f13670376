/**
 * Samples summed up with their spread. lib.ts's Timing keeps only the median
 * and p90 (and its quantile is private to `time`), while the table here also
 * prints the min and max: so its own summary, turned into a Timing for the rows.
 */
import type { Timing } from "../lib.ts";

export interface Stats {
  median: number;
  p90: number;
  min: number;
  max: number;
  n: number;
}

const at = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((x, y) => x - y);
  return {
    median: at(sorted, 0.5),
    p90: at(sorted, 0.9),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    n: sorted.length,
  };
}

export const timing = (s: Stats): Timing => ({ medianMs: s.median, p90Ms: s.p90, runs: s.n });
