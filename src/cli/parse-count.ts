import { usageError } from "../core/errors.ts";

export function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0)
    throw usageError(`${flag} expects a whole number, not "${value}"`);
  return count;
}
