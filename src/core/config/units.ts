/**
 * Durations (`30s`, `15m`, `2h`, `1h30m`) and sizes (`512m`, `2g`) as written in
 * fleet files and on the command line. Sizes use binary multiples, as Docker does.
 */
import { FleetError } from "../errors.ts";

/** One or more `<number><unit>` parts, units ms, s, m, h, d. No flags: also used in JSON Schema. */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h|d))+$/;
/** A number with an optional k, m, g or t (optionally followed by i and/or b), case-insensitive. */
export const SIZE_PATTERN = /^[0-9]+(\.[0-9]+)?([kKmMgGtT][iI]?)?[bB]?$/;

const DURATION_UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const SIZE_UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * Milliseconds for a duration string, or for a number of seconds; undefined when
 * the input is not a duration.
 */
export function tryParseDuration(input: string | number): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  const text = input.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const part of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g)) {
    total += Number(part[1]) * (DURATION_UNITS_MS[part[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** Milliseconds for `30s`, `15m`, `2h`, `1h30m`, `500ms`, `1d`, or a number of seconds. */
export function parseDuration(input: string | number): number {
  const ms = tryParseDuration(input);
  if (ms === undefined) {
    throw new FleetError("INVALID_DURATION", `invalid duration ${JSON.stringify(input)}`, {
      hint: "write a number with a unit: 30s, 15m, 2h, 1h30m (ms, s, m, h, d), or a number of seconds",
    });
  }
  return ms;
}

/** Bytes for `512m`, `2g`, `1.5G`, `64k`, `512mb`, `2gib`, or a number of bytes; else undefined. */
export function tryParseSize(input: string | number): number | undefined {
  if (typeof input === "number") {
    return Number.isInteger(input) && input >= 0 ? input : undefined;
  }
  const text = input.trim();
  if (!SIZE_PATTERN.test(text)) return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)([kmgt]?)/i.exec(text);
  if (!match) return undefined;
  const multiplier = SIZE_UNITS[(match[2] ?? "").toLowerCase()] ?? Number.NaN;
  const bytes = Math.round(Number(match[1]) * multiplier);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** Bytes for `512m`, `2g` (binary multiples), or a number of bytes. */
export function parseSize(input: string | number): number {
  const bytes = tryParseSize(input);
  if (bytes === undefined) {
    throw new FleetError("INVALID_SIZE", `invalid size ${JSON.stringify(input)}`, {
      hint: "write a number with a unit: 512m, 2g, 64k (binary multiples), or a number of bytes",
    });
  }
  return bytes;
}

/** The shortest exact form: 900000 -> `15m`, 5400000 -> `1h30m`, 1500 -> `1s500ms`. */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest <= 0) return "0s";
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = DURATION_UNITS_MS[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

/** The largest unit that divides exactly: 536870912 -> `512m`, 2048 -> `2k`, 1536 -> `1536`. */
export function formatSize(bytes: number): string {
  for (const unit of ["t", "g", "m", "k"]) {
    const size = SIZE_UNITS[unit] ?? 1;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
