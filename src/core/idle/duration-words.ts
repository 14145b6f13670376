/**
 * Durations as reconcile says them in reasons and events (`3m12s`, `1h5m`, `45s`,
 * `500ms`): the fleet file's own notation, in whole seconds (enough for idle
 * times), sub-second only when that is all there is.
 */
import { formatDuration } from "../config/units.ts";

export function durationWords(ms: number): string {
  const value = Math.max(0, Math.floor(ms));
  return formatDuration(value < 1000 ? value : Math.floor(value / 1000) * 1000);
}
