/**
 * Turns zod issues into findings a person can act on: what was expected, what
 * was found, and a suggestion for near-misses (unknown keys, enum values).
 */
import { z } from "zod";
import type { core } from "zod";
import { suggest } from "../suggest.ts";
import { NAME_RULE } from "./schema.ts";
import type { Finding, PathSegment } from "./problems.ts";

type Issue = core.$ZodIssue;

/** Findings for a failed parse of `schema`. */
export function schemaFindings(schema: z.ZodType, issues: readonly Issue[]): Finding[] {
  return issues.flatMap((issue) => issueFindings(schema, issue, []));
}

function issueFindings(schema: z.ZodType, issue: Issue, prefix: PathSegment[]): Finding[] {
  const path = [...prefix, ...issue.path.map(toSegment)];
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = objectKeysAt(schema, path) ?? [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        at: "key" as const,
        message: unknownKeyMessage(key, known),
      }));
    }
    case "invalid_union": {
      const branch = matchingBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => issueFindings(schema, inner, path));
      return [{ path, message: withInput(unionMessage(issue), issue.input) }];
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      const rule = issue.issues[0]?.message ?? NAME_RULE;
      const what = NAMED_MAPS.has(String(path[path.length - 2])) ? "name" : "key";
      return [{ path, at: "key", message: `invalid ${what} "${String(key)}": ${rule}` }];
    }
    case "invalid_type": {
      const base = isDefaultMessage(issue.message) ? expected(issue.expected) : issue.message;
      if (issue.input === undefined) return [{ path, message: `required field missing: ${base}` }];
      return [{ path, message: withInput(base, issue.input) }];
    }
    case "invalid_value": {
      if (!isDefaultMessage(issue.message)) {
        return [{ path, message: withInput(issue.message, issue.input) }];
      }
      const values = issue.values.map((value) => JSON.stringify(value));
      const near =
        typeof issue.input === "string"
          ? suggest(
              issue.input,
              issue.values.filter((value) => typeof value === "string"),
            )
          : undefined;
      const base =
        values.length === 1
          ? `expected ${values[0] ?? ""}`
          : `expected one of ${values.join(", ")}`;
      const message = withInput(base, issue.input);
      return [{ path, message: near ? `${message} — did you mean "${near}"?` : message }];
    }
    default:
      return [{ path, message: withInput(issue.message, issue.input) }];
  }
}

const NAMED_MAPS = new Set(["agents", "templates", "hosts"]);

/** zod's own messages start like this; ours (set in schema.ts) do not. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big))\b/.test(message);
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === "number" ? key : String(key);
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = suggest(key, known);
  if (near) return `unknown key "${key}" — did you mean "${near}"?`;
  return known.length > 0
    ? `unknown key "${key}" (expected one of: ${known.join(", ")})`
    : `unknown key "${key}"`;
}

/**
 * The union branch the input was meant for: the one whose issues are not just "wrong
 * type" at the union's own position. Lets `workdir: { frm: . }` report the unknown key
 * rather than "expected a string or an object".
 */
function matchingBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  return branches.find((issues) => !isTypeMismatch(issues));
}

function isTypeMismatch(issues: readonly Issue[]): boolean {
  const [only] = issues;
  return (
    issues.length === 1 &&
    only !== undefined &&
    only.path.length === 0 &&
    (only.code === "invalid_type" || only.code === "invalid_value" || only.code === "invalid_union")
  );
}

function unionMessage(issue: Extract<Issue, { code: "invalid_union" }>): string {
  if (issue.message !== "Invalid input") return issue.message;
  const options = issue.errors.flatMap((branch) =>
    branch.map((inner) =>
      inner.code === "invalid_type"
        ? expected(inner.expected).replace(/^expected /, "")
        : inner.code === "invalid_value"
          ? inner.values.map((value) => JSON.stringify(value)).join(" or ")
          : "",
    ),
  );
  return `expected ${options.filter((option) => option !== "").join(" or ")}`;
}

function expected(type: string): string {
  const names: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    object: "a mapping (key: value)",
    record: "a mapping (key: value)",
    array: "a list",
    null: "null",
  };
  return `expected ${names[type] ?? type}`;
}

function withInput(message: string, input: unknown): string {
  if (input === undefined) return message;
  return `${message}, got ${describe(input)}`;
}

function describe(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `"${value.length > 40 ? value.slice(0, 37) + "..." : value}"`;
    case "number":
    case "boolean":
      return String(value);
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}

/** The keys an object schema at `path` accepts, for "did you mean" on unknown keys. */
export function objectKeysAt(
  schema: z.ZodType,
  path: readonly PathSegment[],
): string[] | undefined {
  const target = unwrap(schema);
  if (target instanceof z.ZodUnion) {
    for (const option of target.options as readonly z.ZodType[]) {
      const keys = objectKeysAt(option, path);
      if (keys) return keys;
    }
    return undefined;
  }
  const [head, ...rest] = path;
  if (head === undefined)
    return target instanceof z.ZodObject ? Object.keys(target.shape) : undefined;
  if (target instanceof z.ZodObject) {
    const child = (target.shape as Record<string, z.ZodType | undefined>)[String(head)];
    return child ? objectKeysAt(child, rest) : undefined;
  }
  if (target instanceof z.ZodRecord) return objectKeysAt(target.valueType as z.ZodType, rest);
  if (target instanceof z.ZodArray) return objectKeysAt(target.element as z.ZodType, rest);
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodDefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}
