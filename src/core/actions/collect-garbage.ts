/**
 * `fleet gc`: finds what fleet made that nothing uses any more (see
 * src/core/gc/), shows it, and deletes it once the caller agrees. It looks at
 * every host fleet knows, without writing any cache, so `--dry-run` changes
 * nothing. When a host cannot be read, nothing that depends on which agents
 * exist is judged: an agent there might still use it.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { tryParseDuration } from "../config/units.ts";
import type { ProviderContext, ProviderGarbageOptions } from "../contracts/provider.ts";
import { usageError } from "../errors.ts";
import { localGit } from "../host/local-git.ts";
import type { HostError } from "../model.ts";
import { getProvider, providerNames } from "../registry.ts";
import { discoverLive } from "../state/discover.ts";
import { knownHosts } from "../state/known-hosts.ts";
import { LOCAL_PROVIDER } from "../state/local-hosts.ts";
import { rememberLocations } from "../state/location-cache.ts";
import { findDeadSockets, findOldSavedWork, findStaleLocations } from "../gc/controller-garbage.ts";
import { findEmptyHosts } from "../gc/empty-hosts.ts";
import { findRemoteOrphans } from "../gc/remote-garbage.ts";
import type { GcItem } from "../gc/gc-item.ts";
import { findGitGarbage } from "../gc/git-garbage.ts";
import { DEFAULT_HOST } from "../model.ts";

export const DEFAULT_SAVED_RETENTION = "30d";

export interface GcRequest {
  dryRun?: boolean;
  /** Repositories to look in besides those the agents work from (default: the one here). */
  repo?: readonly string[];
  /** Saved work older than this may go (default 30d). */
  savedOlderThan?: string;
  /** Snapshot images nobody uses older than this may go (default: none goes). */
  snapshotsOlderThan?: string;
  cwd?: string;
}

export type GcStatus = "planned" | "deleted" | "kept" | "changed" | "failed";

export interface GcResult {
  items: (GcItem & { status: GcStatus; error?: string })[];
  /** Hosts that could not be read: what their agents might use was not judged. */
  unreadable: HostError[];
  status: "dry-run" | "declined" | "done" | "none";
}

async function topLevel(dir: string): Promise<string | undefined> {
  const result = await localGit(dir, ["rev-parse", "--show-toplevel"]).catch(() => undefined);
  if (result === undefined || result.code !== 0) return undefined;
  const top = result.stdout.trim();
  try {
    return realpathSync(top);
  } catch {
    return top;
  }
}

export async function collectGarbage(
  request: GcRequest,
  ctx: ProviderContext,
  confirm: (items: readonly GcItem[]) => Promise<boolean>,
): Promise<GcResult> {
  const cwd = request.cwd ?? process.cwd();
  const retention = request.savedOlderThan ?? DEFAULT_SAVED_RETENTION;
  const retentionMs = tryParseDuration(retention);
  if (retentionMs === undefined || !/[a-z]/i.test(retention)) {
    throw usageError(`invalid duration ${JSON.stringify(retention)} for --saved-older-than`);
  }
  const snapshotsOlderThanMs = optionalDuration(
    request.snapshotsOlderThan,
    "--snapshots-older-than",
  );
  const given: string[] = [];
  for (const repo of request.repo ?? []) {
    const top = await topLevel(resolve(cwd, repo));
    if (top === undefined) throw usageError(`--repo ${repo} is not a git repository`);
    given.push(top);
  }

  const hosts = await knownHosts(ctx.env);
  const live = await discoverLive(hosts, ctx);
  const unreadable = live.errors.filter((e) => e.agent === undefined);
  const repos = new Set(given);
  if (request.repo === undefined || request.repo.length === 0) {
    const here = await topLevel(cwd);
    if (here !== undefined) repos.add(here);
  }
  for (const agent of live.agents) {
    const from = agent.spec.workdir?.from;
    const top = from === undefined ? undefined : await topLevel(from);
    if (top !== undefined) repos.add(top);
  }

  const found: GcItem[] = [];
  if (unreadable.length === 0) {
    const localAgents = new Set([
      ...live.agents.filter((a) => a.provider === LOCAL_PROVIDER).map((a) => a.name),
      ...live.errors.filter((e) => e.provider === LOCAL_PROVIDER).flatMap((e) => e.agent ?? []),
    ]);
    const usedBranches = new Set([
      ...live.agents.flatMap((a) => [a.spec.workdir?.branch ?? "", `fleet/${a.name}`]),
      ...live.errors.flatMap((e) => (e.agent === undefined ? [] : [`fleet/${e.agent}`])),
    ]);
    found.push(
      ...(await findGitGarbage({
        repos: [...repos],
        home: ctx.env.home,
        localAgents,
        usedBranches,
      })),
      ...findStaleLocations(ctx.env, live, () => rememberLocations(ctx.env, live)),
      ...(await findEmptyHosts(hosts, live, ctx)),
      ...(await findRemoteOrphans(hosts, live, ctx)),
    );
  }
  found.push(
    ...(await findDeadSockets(ctx.env)),
    ...(await findOldSavedWork(ctx.env, [...repos], retentionMs, Date.now())),
    ...(await findProviderGarbage(
      { now: Date.now(), ...(snapshotsOlderThanMs === undefined ? {} : { snapshotsOlderThanMs }) },
      ctx,
    )),
  );

  const planned = (status: GcStatus) => found.map((item) => ({ ...item, status }));
  const deletable = found.filter((item) => item.action === "delete");
  if (deletable.length === 0) {
    return { items: planned("kept"), unreadable, status: "none" };
  }
  if (request.dryRun === true) {
    return {
      items: found.map((i) => ({ ...i, status: i.action === "delete" ? "planned" : "kept" })),
      unreadable,
      status: "dry-run",
    };
  }
  if (!(await confirm(found))) return { items: planned("kept"), unreadable, status: "declined" };

  // Git changes in this machine's repos wait for a create or destroy here to finish.
  const local = await getProvider(DEFAULT_HOST.provider);
  const release = await local.lock(DEFAULT_HOST, ctx);
  const items: GcResult["items"] = [];
  try {
    for (const item of found) {
      if (item.action === "keep" || item.remove === undefined) {
        items.push({ ...item, status: "kept" });
        continue;
      }
      try {
        items.push({ ...item, status: (await item.remove()) ? "deleted" : "changed" });
      } catch (error) {
        items.push({ ...item, status: "failed", error: String(error) });
      }
    }
  } finally {
    await release();
  }
  return { items, unreadable, status: "done" };
}

function optionalDuration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = tryParseDuration(text);
  if (ms === undefined || !/[a-z]/i.test(text)) {
    throw usageError(`invalid duration ${JSON.stringify(text)} for ${flag}`, `e.g. ${flag} 30d`);
  }
  return ms;
}

/** What each provider made outside its hosts that nothing uses (docker: images). */
async function findProviderGarbage(
  options: ProviderGarbageOptions,
  ctx: ProviderContext,
): Promise<GcItem[]> {
  const found = await Promise.all(
    providerNames().map(async (name) => {
      const provider = await getProvider(name).catch(() => undefined);
      return (await provider?.findGarbage?.(options, ctx)) ?? [];
    }),
  );
  return found.flat();
}
