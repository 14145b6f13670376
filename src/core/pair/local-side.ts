/**
 * The user's checkout as a pair side, through node's fs. The paths written here
 * come from the agent's listing, so each is checked again before any write: it
 * must be safe (pair-paths.ts), and no directory on its way may be a symlink or
 * anything but a directory, so nothing lands outside the checkout.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { localGit } from "../host/local-git.ts";
import { HashCache } from "./hash-cache.ts";
import type { Listing } from "./pair-decide.ts";
import {
  checkSize,
  isPairTemp,
  MAX_FILES,
  pathProblem,
  TEMP_PREFIX,
  tooMany,
  unsafePath,
  type StatEntry,
} from "./pair-paths.ts";
import type { PairSide, WriteOutcome } from "./pair-side.ts";

const LABEL = "your checkout";

export const sha1 = (content: Buffer): string => createHash("sha1").update(content).digest("hex");

export function localSide(root: string, options: { git: boolean }): PairSide {
  const cache = new HashCache();

  async function candidates(): Promise<string[]> {
    if (options.git) {
      const listed = await localGit(root, [
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--deduplicate",
      ]);
      if (listed.code === 0) return listed.stdout.split("\0").filter((path) => path !== "");
    }
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
        if (entry.name === ".git") continue;
        const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) found.push(path);
        if (found.length > MAX_FILES) throw tooMany(LABEL);
      }
    };
    await walk("");
    return found;
  }

  async function stats(): Promise<Map<string, StatEntry>> {
    const entries = new Map<string, StatEntry>();
    for (const path of await candidates()) {
      if (isPairTemp(path)) continue;
      const problem = pathProblem(path);
      if (problem !== undefined) throw unsafePath(LABEL, path, problem);
      const stat = await lstat(join(root, path), { bigint: true }).catch(() => undefined);
      if (!stat?.isFile()) continue;
      checkSize(LABEL, path, Number(stat.size));
      entries.set(path, {
        path,
        stamp: `${stat.size} ${stat.mtimeNs} ${stat.ctimeNs} ${stat.ino}`,
        exec: (Number(stat.mode) & 0o111) !== 0,
        size: Number(stat.size),
      });
      if (entries.size > MAX_FILES) throw tooMany(LABEL);
    }
    return entries;
  }

  async function hashes(paths: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const path of paths) {
      const content = await readFile(join(root, path)).catch(() => undefined);
      if (content !== undefined) result.set(path, sha1(content));
    }
    return result;
  }

  /** Whether every directory on the way to `path` is a real directory (or absent). */
  async function safeParents(path: string): Promise<boolean> {
    const parts = path.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const stat = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
      if (stat === undefined) return true;
      if (!stat.isDirectory()) return false;
    }
    return true;
  }

  /** What `path` holds now: a hash, "absent", or "other" (not a regular file, or unsafe). */
  async function current(path: string): Promise<string> {
    if (pathProblem(path) !== undefined || !(await safeParents(path))) return "other";
    const stat = await lstat(join(root, path)).catch(() => undefined);
    if (stat === undefined) return "absent";
    if (!stat.isFile()) return "other";
    const content = await readFile(join(root, path)).catch(() => undefined);
    return content === undefined ? "absent" : sha1(content);
  }

  const outcome = (now: string, expect: string | undefined): WriteOutcome | undefined => {
    if (now === "other") return "refused";
    return now === (expect ?? "absent") ? undefined : "changed";
  };

  return {
    side: "local",
    label: LABEL,
    list: async (): Promise<Listing> => cache.refresh(await stats(), hashes),
    async read(path) {
      if (pathProblem(path) !== undefined || !(await safeParents(path))) return undefined;
      const stat = await lstat(join(root, path)).catch(() => undefined);
      if (!stat?.isFile()) return undefined;
      return readFile(join(root, path)).catch(() => undefined);
    },
    async write(path, content, exec, expect) {
      const stop = outcome(await current(path), expect);
      if (stop !== undefined) return stop;
      const parts = path.split("/");
      const dir = join(root, ...parts.slice(0, -1));
      await mkdir(dir, { recursive: true });
      if (!(await safeParents(path))) return "refused";
      const temp = join(dir, `${TEMP_PREFIX}${randomBytes(6).toString("hex")}`);
      const before = await lstat(join(root, path)).catch(() => undefined);
      const mode = before ? before.mode & 0o7777 : exec ? 0o755 : 0o644;
      try {
        await writeFile(temp, content, { flag: "wx", mode: 0o600 });
        await chmod(temp, mode);
        await rename(temp, join(root, path));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return "done";
    },
    async remove(path, expect) {
      const stop = outcome(await current(path), expect);
      if (stop !== undefined) return stop;
      await rm(join(root, path), { force: true });
      return "done";
    },
  };
}
