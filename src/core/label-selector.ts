/**
 * Label selectors as kubectl writes them: `key=value` (also `key==value`),
 * `key!=value`, `key` (the label exists) and `!key` (it does not). Several
 * selectors, given as repeated `-l` or comma-separated, must all match.
 */
import { usageError } from "./errors.ts";

export type LabelRequirement =
  { key: string; op: "=" | "!="; value: string } | { key: string; op: "exists" | "absent" };

const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

export function parseSelectors(selectors: readonly string[]): LabelRequirement[] {
  return selectors
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(parseRequirement);
}

function parseRequirement(text: string): LabelRequirement {
  const match = /^(!?)([^=!]+)(?:(!=|==|=)(.*))?$/.exec(text);
  const key = match?.[2]?.trim() ?? "";
  if (!match || !KEY.test(key) || (match[1] === "!" && match[3] !== undefined)) {
    throw usageError(
      `invalid label selector "${text}"`,
      "use key=value, key!=value, key (has the label) or !key (lacks it)",
    );
  }
  if (match[3] === undefined) return { key, op: match[1] === "!" ? "absent" : "exists" };
  return { key, op: match[3] === "!=" ? "!=" : "=", value: (match[4] ?? "").trim() };
}

export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  requirements: readonly LabelRequirement[],
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case "exists":
        return has;
      case "absent":
        return !has;
      case "=":
        return has && labels[r.key] === r.value;
      case "!=":
        // As kubectl: an agent without the label matches key!=value.
        return !has || labels[r.key] !== r.value;
    }
  });
}
