/**
 * Garbage on docker and ssh hosts: an agent dir (`<fleet dir>/agents/NAME`) with
 * no record, whose agent is gone (its record was removed by hand, or a create
 * died before writing it). It goes only when its work dir is a git work dir with
 * nothing uncommitted and no commit that another ref of the host's repo lacks;
 * then its worktree is removed from the host's cache repo and its `fleet/NAME`
 * branch there dropped. A plain work dir, or one holding work, stays: it may be
 * the only copy. Found without a lock; removed under the host's lock after
 * looking again (a create in progress holds that lock, with its record not yet
 * written).
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import type { Provider, ProviderContext } from "../contracts/provider.ts";
import type { HostSpec, LiveState } from "../model.ts";
import { NAME_PATTERN } from "../names.ts";
import { getProvider } from "../registry.ts";
import { drop, keep, type GcItem } from "./gc-item.ts";

/** What the host says of one agent dir without a record: checked before use. */
interface Orphan {
  name: string;
  /** `git`, `plain` (a work dir that is not git) or `none` (no work dir). */
  work: "git" | "plain" | "none";
  dirty: boolean;
  /** Commits on its HEAD that no other ref of its repo has. */
  unsaved: boolean;
}

/** Prints one `NAME KIND DIRTY UNSAVED` line per agent dir that has no record. */
const ORPHANS_SCRIPT = (only?: string) =>
  [
    "cd agents 2>/dev/null || exit 0",
    `for d in ${only === undefined ? "*" : q(only)}; do`,
    '  [ -d "$d" ] && [ ! -L "$d" ] && [ ! -e "$d/agent.json" ] || continue',
    '  w="$d/work"; kind=none; dirty=0; unsaved=0',
    '  if [ -e "$w/.git" ]; then',
    "    kind=git",
    '    [ -z "$(git -C "$w" status --porcelain 2>/dev/null | head -n 1)" ] || dirty=1',
    '    b=$(git -C "$w" symbolic-ref -q HEAD)',
    '    if [ -n "$b" ]; then n=$(git -C "$w" rev-list -n 1 HEAD --not --exclude="$b" --all 2>/dev/null | wc -l); else n=$(git -C "$w" rev-list -n 1 HEAD --not --branches --tags --remotes 2>/dev/null | wc -l); fi',
    '    [ "$n" -eq 0 ] || unsaved=1',
    '  elif [ -d "$w" ]; then kind=plain',
    "  fi",
    '  printf "%s %s %s %s\\n" "$d" "$kind" "$dirty" "$unsaved"',
    "done",
  ].join("\n");

function parseOrphans(stdout: string): Orphan[] {
  const orphans: Orphan[] = [];
  for (const line of stdout.split("\n")) {
    const [name, work, dirty, unsaved, ...rest] = line.split(" ");
    if (rest.length > 0 || name === undefined || !NAME_PATTERN.test(name)) continue;
    if (work !== "git" && work !== "plain" && work !== "none") continue;
    orphans.push({ name, work, dirty: dirty === "1", unsaved: unsaved === "1" });
  }
  return orphans;
}

async function orphansOn(transport: Transport, only?: string): Promise<Orphan[]> {
  const result = await transport.script(
    `cd ${q(transport.fleetDir)} || exit 0\n${ORPHANS_SCRIPT(only)}`,
  );
  return result.code === 0 ? parseOrphans(result.stdout) : [];
}

/** Orphaned agent dirs on each running docker or ssh host whose agents were all read. */
export async function findRemoteOrphans(
  hosts: readonly HostSpec[],
  live: LiveState,
  ctx: ProviderContext,
): Promise<GcItem[]> {
  const items: GcItem[] = [];
  for (const seen of live.hosts) {
    if (seen.state !== "running" || seen.provider === "local") continue;
    const spec = hosts.find((h) => h.name === seen.name && h.provider === seen.provider);
    if (spec === undefined) continue;
    const provider = await getProvider(spec.provider);
    const known = new Set([
      ...live.agents.filter((a) => a.host === spec.name).map((a) => a.name),
      ...live.errors.flatMap((e) => (e.host === spec.name && e.agent ? [e.agent] : [])),
    ]);
    let orphans: Orphan[];
    try {
      orphans = await orphansOn(await provider.transport(spec, ctx));
    } catch {
      continue;
    }
    for (const orphan of orphans.filter((o) => !known.has(o.name))) {
      items.push(judge(orphan, spec, provider, ctx));
    }
  }
  return items;
}

function judge(orphan: Orphan, host: HostSpec, provider: Provider, ctx: ProviderContext): GcItem {
  const target = `${host.name}: agents/${orphan.name}`;
  if (orphan.work === "plain") {
    return keep(
      "worktree",
      target,
      "no record, and its work dir is no git work dir: it may be the only copy",
    );
  }
  if (orphan.dirty) return keep("worktree", target, "no record, but uncommitted changes");
  if (orphan.unsaved) return keep("worktree", target, "no record, but commits no other branch has");
  return drop(
    "worktree",
    target,
    "an agent dir on the host with no record and no unsaved work",
    () => removeOrphan(orphan.name, host, provider, ctx),
  );
}

async function removeOrphan(
  name: string,
  host: HostSpec,
  provider: Provider,
  ctx: ProviderContext,
): Promise<boolean> {
  const release = await provider.lock(host, ctx);
  try {
    const transport = await provider.transport(host, ctx);
    const [now] = await orphansOn(transport, name);
    if (now === undefined || now.work === "plain" || now.dirty || now.unsaved) return false;
    const dir = `${transport.fleetDir}/agents/${name}`;
    const result = await transport.script(
      [
        `d=${q(dir)}; w="$d/work"`,
        '[ -e "$d/agent.json" ] && exit 3',
        'if [ -e "$w/.git" ]; then',
        '  common=$(git -C "$w" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)',
        '  b=$(git -C "$w" symbolic-ref -q HEAD)',
        "fi",
        'rm -rf "$d" || exit 1',
        'if [ -n "$common" ]; then',
        '  git --git-dir="$common" worktree prune 2>/dev/null',
        // Its branch goes when it is fleet's own for this agent (its commits are elsewhere).
        `  [ "$b" = ${q(`refs/heads/fleet/${name}`)} ] && git --git-dir="$common" update-ref -d "$b" 2>/dev/null`,
        "fi",
        "exit 0",
      ].join("\n"),
    );
    return result.code === 0;
  } finally {
    await release();
  }
}
