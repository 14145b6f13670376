/**
 * Problems found in a fleet file, and how they become one CONFIG_INVALID error
 * whose message lists each as `FILE:LINE:COL: PATH: MESSAGE`.
 */
import { isAbsolute, relative } from "node:path";
import { FleetError } from "../errors.ts";

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * Where a path is in the source: `key` points at the key naming the value (for
 * unknown keys and name problems), `value` at the value itself. A path that does
 * not exist (a missing field) points at its nearest existing parent's key.
 */
export type Locate = (path: ConfigPath, at: "key" | "value") => SourcePosition | undefined;

/** A problem before it is placed in a file. */
export interface Finding {
  path: ConfigPath;
  message: string;
  at?: "key" | "value";
  /** Known already (YAML syntax errors); otherwise found with a Locate. */
  position?: SourcePosition;
}

/** One problem, as reported in `FleetError.details.problems`. */
export interface ConfigProblem {
  /** Absolute path of the file. */
  file: string;
  /** 1-based; null where unknown (TypeScript fleet files). */
  line: number | null;
  column: number | null;
  /** Dotted path of the offending node, e.g. `agents.docs.host`; "" for the whole file. */
  path: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** `agents.docs.services[0].port`; keys that are not plain words are quoted: `labels["a.b"]`. */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function toProblems(
  findings: readonly Finding[],
  file: string,
  locate: Locate | undefined,
): ConfigProblem[] {
  const problems = findings.map((finding): ConfigProblem => {
    const position = finding.position ?? locate?.(finding.path, finding.at ?? "value");
    return {
      file,
      line: position?.line ?? null,
      column: position?.column ?? null,
      path: formatPath(finding.path),
      message: finding.message,
    };
  });
  return problems.sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

/** A file name as a person would type it: relative to the working directory when inside it. */
export function displayFile(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** `fleet.yaml:4:11: agents.docs.host: unknown host "sandbx" — did you mean "sandbox"?` */
export function formatProblem(problem: ConfigProblem): string {
  const where =
    problem.line === null
      ? displayFile(problem.file)
      : `${displayFile(problem.file)}:${problem.line}:${problem.column ?? 1}`;
  return problem.path === ""
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** The error for an invalid fleet file: every problem, one per line. */
export function configInvalid(problems: readonly ConfigProblem[]): FleetError {
  return new FleetError("CONFIG_INVALID", problems.map(formatProblem).join("\n"), {
    fault: "user",
    exitCode: 1,
    hint: "fix the fleet file (reference: docs/fleet-file.md), then run `fleet validate`",
    details: { problems: problems.map((problem) => ({ ...problem })) },
  });
}
