/**
 * Git on the controller, for moving work between it and remote hosts. Revisions
 * follow `--end-of-options`, so no value (least of all one a host reported) can
 * be read as an option.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FleetError, toFleetError } from "../errors.ts";
import { runProcess } from "../run-process.ts";

export interface GitResult {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs git in `cwd`; never rejects for a non-zero exit. */
export async function localGit(
  cwd: string,
  args: string[],
  input?: string | Buffer,
): Promise<GitResult> {
  try {
    return await runProcess("git", args, { cwd, ...(input === undefined ? {} : { input }) });
  } catch (error) {
    throw new FleetError("GIT_MISSING", `cannot run git here: ${toFleetError(error).message}`, {
      fault: "system",
      hint: "install git on this machine",
    });
  }
}

/** Like localGit, but a non-zero exit is a FleetError saying what was being done. */
export async function checkedGit(cwd: string, args: string[], what: string): Promise<GitResult> {
  const result = await localGit(cwd, args);
  if (result.code !== 0) {
    throw new FleetError(
      "GIT_FAILED",
      `${what} failed: ${lastLine(result.stderr) || `git exit code ${result.code}`}`,
      {
        fault: "system",
      },
    );
  }
  return result;
}

export const lastLine = (text: string): string =>
  text
    .trim()
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .at(-1) ?? "";

/** The repo's top dir and the path of `dir` inside it, or undefined when `dir` is not in a git repo. */
export async function repoOf(dir: string): Promise<{ top: string; prefix: string } | undefined> {
  const result = await localGit(dir, ["rev-parse", "--show-toplevel", "--show-prefix"]).catch(
    () => undefined,
  );
  if (!result || result.code !== 0) return undefined;
  const [top, prefix] = result.stdout.split("\n");
  if (!top) return undefined;
  return { top, prefix: (prefix ?? "").replace(/\/$/, "") };
}

/** The commit a ref names, or undefined. */
export async function commitOf(repo: string, ref: string): Promise<string | undefined> {
  const result = await localGit(repo, [
    "rev-parse",
    "--verify",
    "-q",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Of these object names, the commits this repo has. */
export async function knownCommits(repo: string, shas: readonly string[]): Promise<string[]> {
  const candidates = [...new Set(shas.filter((sha) => /^[0-9a-f]{40,64}$/.test(sha)))];
  if (candidates.length === 0) return [];
  const result = await localGit(
    repo,
    ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
    candidates.join("\n") + "\n",
  );
  return result.stdout
    .split("\n")
    .map((line) => line.split(" "))
    .filter(([, type]) => type === "commit")
    .map(([sha]) => sha ?? "");
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestor(
  repo: string,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  const args = ["merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant];
  return (await localGit(repo, args)).code === 0;
}

/**
 * Fetches `ref` from a git bundle a host sent into `repo`'s FETCH_HEAD only: no
 * ref of the repo moves. The bundle goes through a temporary file, removed after.
 */
export async function fetchFromBundle(
  repo: string,
  payload: Buffer,
  ref: string,
): Promise<GitResult> {
  const dir = await mkdtemp(join(tmpdir(), "fleet-bundle-"));
  try {
    const file = join(dir, "work.bundle");
    await writeFile(file, payload);
    return await localGit(repo, ["fetch", "-q", "--no-tags", "--end-of-options", file, ref]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
