/**
 * Where a program is on PATH and what version it says it is, without a shell:
 * PATH is walked here, and the program runs only with a fixed argument and a
 * time limit, its answer cut to one printable line.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface FoundBinary {
  path: string;
  /** First line of its version output, when it printed one. */
  version?: string;
}

export function whichBinary(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; the next PATH entry may have it.
    }
  }
  return undefined;
}

const VERSION_TIMEOUT_MS = 5000;

/** Runs `path versionArg` and keeps the first non-empty line of stdout or stderr. */
export function binaryVersion(path: string, versionArg: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      path,
      [versionArg],
      { timeout: VERSION_TIMEOUT_MS, maxBuffer: 64 * 1024, env: process.env },
      (_error, stdout, stderr) => {
        const line = `${stdout}\n${stderr}`
          .split("\n")
          .map((l) => l.replace(/[^\x20-\x7e]/g, "").trim())
          .find((l) => l !== "");
        resolve(line?.slice(0, 200));
      },
    );
  });
}

/** Where `name` is and its version; `versionArg` null for programs without a version flag. */
export async function findBinary(
  name: string,
  versionArg: string | null = "--version",
): Promise<FoundBinary | undefined> {
  const path = whichBinary(name);
  if (path === undefined) return undefined;
  const version = versionArg === null ? undefined : await binaryVersion(path, versionArg);
  return version === undefined ? { path } : { path, version };
}
