/**
 * Garbage in the controller's own dir (FLEET_HOME): location-cache entries of
 * agents that are gone, ControlMaster sockets no ssh master listens on any
 * more, and saved work past its retention age. A saved git bundle goes only
 * when every commit it holds is on a branch of a repository gc looks at;
 * anything else saved (a tar of a work dir that was not git, a bundle whose
 * commits are nowhere else) is the only copy of that work and stays.
 */
import { readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { FleetEnv } from "../env.ts";
import { savedWorkDir } from "../env.ts";
import { localGit } from "../host/local-git.ts";
import type { LiveState } from "../model.ts";
import { drop, keep, type GcItem } from "./gc-item.ts";
import { formatDuration } from "../config/units.ts";

/** Entries of `cache/agent-hosts.json` that a look-up at every host no longer finds. */
export function findStaleLocations(env: FleetEnv, live: LiveState, rewrite: () => void): GcItem[] {
  let cached: Record<string, unknown>;
  try {
    cached = JSON.parse(
      readFileSync(join(env.home, "cache", "agent-hosts.json"), "utf8"),
    ) as Record<string, unknown>;
  } catch {
    return [];
  }
  const unreadable = new Set(live.errors.map((e) => e.host));
  const found = new Set(live.agents.map((a) => `${a.name}@${a.host}`));
  const stale: string[] = [];
  for (const [name, hosts] of Object.entries(cached)) {
    for (const host of Array.isArray(hosts) ? (hosts as unknown[]) : []) {
      if (typeof host !== "string" || unreadable.has(host)) continue;
      if (!found.has(`${name}@${host}`)) stale.push(`${name}@${host}`);
    }
  }
  // One rewrite drops them all: the cache is rewritten from what the look-up saw.
  let rewritten = false;
  return stale.map((ref) =>
    drop("location-cache", ref, "cached location of an agent that is gone", () => {
      if (!rewritten) rewrite();
      rewritten = true;
      return Promise.resolve(true);
    }),
  );
}

function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      // Refused: nothing listens. Anything else (EACCES, EAGAIN): assume alive.
      resolve(error.code !== "ECONNREFUSED" && error.code !== "ENOENT");
    });
  });
}

/** Sockets in `ssh/cm` whose ssh master has exited (a killed ssh leaves them). */
export async function findDeadSockets(env: FleetEnv): Promise<GcItem[]> {
  const dir = join(env.home, "ssh", "cm");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const items: GcItem[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let isSocket: boolean;
    try {
      isSocket = statSync(path).isSocket();
    } catch {
      continue;
    }
    if (!isSocket || (await socketAlive(path))) continue;
    items.push(
      drop("ssh-socket", path, "ControlMaster socket with no ssh master behind it", async () => {
        if (await socketAlive(path)) return false;
        unlinkSync(path);
        return true;
      }),
    );
  }
  return items;
}

/** Saved work older than `retentionMs`: bundles whose commits are all on a branch of `repos`. */
export async function findOldSavedWork(
  env: FleetEnv,
  repos: readonly string[],
  retentionMs: number,
  now: number,
): Promise<GcItem[]> {
  const dir = savedWorkDir(env);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const age = formatDuration(retentionMs);
  const items: GcItem[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    let mtime: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) continue;
      mtime = stat.mtimeMs;
    } catch {
      continue;
    }
    if (now - mtime < retentionMs) continue;
    if (!name.endsWith(".bundle")) {
      items.push(
        keep("saved-work", path, `older than ${age}, but it is the only copy of that work`),
      );
      continue;
    }
    const heads = await bundleHeads(path);
    const everywhere =
      heads !== undefined && heads.length > 0 && (await allOnBranches(heads, repos));
    items.push(
      everywhere
        ? drop(
            "saved-work",
            path,
            `older than ${age}; every commit in it is on a branch of ${repos.length === 1 ? "the repository" : "a repository"} here`,
            () => {
              unlinkSync(path);
              return Promise.resolve(true);
            },
          )
        : keep("saved-work", path, `older than ${age}, but its commits are on no branch here`),
    );
  }
  return items;
}

async function bundleHeads(path: string): Promise<string[] | undefined> {
  const listed = await localGit(join(path, ".."), ["bundle", "list-heads", path]);
  if (listed.code !== 0) return undefined;
  return listed.stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((sha) => /^[0-9a-f]{40,64}$/.test(sha));
}

async function allOnBranches(shas: readonly string[], repos: readonly string[]): Promise<boolean> {
  for (const sha of shas) {
    let found = false;
    for (const repo of repos) {
      const contains = await localGit(repo, ["branch", "--contains", sha, "--format=%(refname)"]);
      if (contains.code === 0 && contains.stdout.trim() !== "") {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
