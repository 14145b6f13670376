/**
 * Durations as reconcile says them in reasons and events: `3m12s`, `1h5m`, `45s`,
 * `500ms`. Whole seconds are enough for idle times; sub-second only when that is all.
 */
const PARTS: readonly [number, string][] = [
  [3_600_000, "h"],
  [60_000, "m"],
  [1000, "s"],
];

export function durationWords(ms: number): string {
  const value = Math.max(0, Math.floor(ms));
  if (value < 1000) return value === 0 ? "0s" : `${value}ms`;
  let rest = Math.floor(value / 1000) * 1000;
  let text = "";
  for (const [size, unit] of PARTS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}
