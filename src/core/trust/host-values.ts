/**
 * Checks for values a host reports. A host is untrusted: whatever it prints is
 * checked here before it reaches a controller command, a path or a number.
 */
import { NAME_PATTERN } from "../names.ts";

/** A full commit id (SHA-1 or SHA-256), lowercase hex: never an option, never a rev expression. */
export const isCommitId = (value: unknown): value is string =>
  typeof value === "string" && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);

export const isName = (value: unknown): value is string =>
  typeof value === "string" && NAME_PATTERN.test(value);

export const isPort = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;

/** A non-negative integer in a host's output ("uncommitted 3"), or undefined. */
export function countOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/**
 * A branch name `git check-ref-format --branch` accepts, in its plain form: no
 * `@{-N}` shorthands, no leading `-` (an option), not `HEAD`.
 */
export function isBranchName(value: unknown): value is string {
  if (typeof value !== "string" || value === "" || value.length > 255) return false;
  if (value === "HEAD" || value === "@" || value.startsWith("-")) return false;
  // Controls, space and the characters git gives meaning to in revisions.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(value)) return false;
  if (value.includes("..") || value.includes("@{") || value.includes("//")) return false;
  if (value.startsWith("/") || value.endsWith("/") || value.endsWith(".")) return false;
  return value.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}
