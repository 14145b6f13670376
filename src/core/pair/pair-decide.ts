/**
 * What `fleet pair` does in one round, as a pure function of what both sides
 * hold now and what was last synced (the baseline). A side "changed" a path when
 * its content differs from the baseline's for that side (a missing baseline is
 * "absent"). A change on one side is carried to the other only where the other
 * still holds its baseline; a path changed on both sides is a conflict, settled
 * by the conflict rule or, with `stop`, by changing nothing at all.
 */

export type Side = "local" | "agent";
export type Direction = "both" | "to-agent" | "from-agent";
export type ConflictRule = "stop" | "prefer-local" | "prefer-agent" | "keep-both";

export const DIRECTIONS: readonly Direction[] = ["both", "to-agent", "from-agent"];
export const CONFLICT_RULES: readonly ConflictRule[] = [
  "stop",
  "prefer-local",
  "prefer-agent",
  "keep-both",
];

/** A regular file as one side holds it: the SHA-1 of its content and its exec bit. */
export interface FileState {
  hash: string;
  exec: boolean;
}

/** Path (relative, `/`-separated) -> file, for one side. */
export type Listing = ReadonlyMap<string, FileState>;

/** The hashes each side held when the path was last synced; undefined = absent. */
export interface BaselineEntry {
  local: string | undefined;
  agent: string | undefined;
}

export type Baseline = ReadonlyMap<string, BaselineEntry>;

export type PairOp =
  | {
      kind: "write";
      /** The side written. */
      to: Side;
      path: string;
      /** The path read on the other side (differs from `path` for a conflict copy). */
      source: string;
      /** The source's hash as listed: the content written must still have it. */
      hash: string;
      exec: boolean;
      /** What the target path must still hold (undefined: absent) for the write to go ahead. */
      expect: string | undefined;
      /** The path's baseline once written. */
      settle: BaselineEntry | undefined;
      why: "change" | "conflict" | "conflict-copy";
    }
  | {
      kind: "delete";
      to: Side;
      path: string;
      expect: string;
      settle: undefined;
      why: "change" | "conflict";
    };

export interface PairRound {
  /** Writes and deletions to make, in order. Empty when a conflict stops pairing. */
  ops: PairOp[];
  /** Paths changed on both sides since the baseline, sorted. */
  conflicts: string[];
  /** Baseline entries to set now, whatever the ops do (undefined: forget the path). */
  settle: Map<string, BaselineEntry | undefined>;
}

export interface PairOptions {
  direction: Direction;
  conflict: ConflictRule;
}

const other = (side: Side): Side => (side === "local" ? "agent" : "local");

/** The suffix a conflict copy of one side's version gets on the other side. */
export const conflictSuffix = (from: Side): string => `.fleet-conflict-${from}`;

export function decideRound(
  baseline: Baseline,
  local: Listing,
  agent: Listing,
  options: PairOptions,
): PairRound {
  const writes: Record<Side, boolean> = {
    agent: options.direction !== "from-agent",
    local: options.direction !== "to-agent",
  };
  const listings: Record<Side, Listing> = { local, agent };
  const ops: PairOp[] = [];
  const conflicts: string[] = [];
  const settle = new Map<string, BaselineEntry | undefined>();
  const taken: Record<Side, Set<string>> = { local: new Set(), agent: new Set() };
  const paths = [...new Set([...local.keys(), ...agent.keys(), ...baseline.keys()])].sort();

  /** Carries `from`'s version of `path` to the other side, if that side may be written. */
  const carry = (path: string, from: Side, why: "change" | "conflict"): void => {
    const to = other(from);
    if (!writes[to]) return;
    const source = listings[from].get(path);
    const target = listings[to].get(path)?.hash;
    if (source === undefined) {
      if (target !== undefined)
        ops.push({ kind: "delete", to, path, expect: target, settle: undefined, why });
      return;
    }
    ops.push({
      kind: "write",
      to,
      path,
      source: path,
      hash: source.hash,
      exec: source.exec,
      expect: target,
      settle: { local: source.hash, agent: source.hash },
      why,
    });
  };

  /** keep-both: each side's version is written next to the other's, under a free name. */
  const copyAcross = (path: string, from: Side): void => {
    const to = other(from);
    const source = listings[from].get(path);
    if (!writes[to] || source === undefined) return;
    const name = freeName(`${path}${conflictSuffix(from)}`, listings[to], taken[to]);
    taken[to].add(name);
    ops.push({
      kind: "write",
      to,
      path: name,
      source: path,
      hash: source.hash,
      exec: source.exec,
      expect: undefined,
      settle: undefined,
      why: "conflict-copy",
    });
  };

  for (const path of paths) {
    const l = local.get(path)?.hash;
    const a = agent.get(path)?.hash;
    const base = baseline.get(path);
    if (l === a) {
      settle.set(path, l === undefined ? undefined : { local: l, agent: a });
      continue;
    }
    const localChanged = l !== base?.local;
    const agentChanged = a !== base?.agent;
    if (localChanged && !agentChanged) carry(path, "local", "change");
    else if (agentChanged && !localChanged) carry(path, "agent", "change");
    else if (localChanged && agentChanged) {
      conflicts.push(path);
      if (options.conflict === "stop") continue;
      // Whatever is written below, each side's current version is now its baseline,
      // so a settled conflict is not settled again next round.
      settle.set(path, { local: l, agent: a });
      if (options.conflict === "prefer-local") carry(path, "local", "conflict");
      else if (options.conflict === "prefer-agent") carry(path, "agent", "conflict");
      else {
        copyAcross(path, "agent");
        copyAcross(path, "local");
      }
    }
  }
  if (options.conflict === "stop" && conflicts.length > 0) {
    return { ops: [], conflicts, settle: new Map() };
  }
  return { ops, conflicts, settle };
}

/** `name`, or `name.2`, `name.3`... : the first that neither the side nor this round uses. */
function freeName(name: string, listing: Listing, taken: ReadonlySet<string>): string {
  const used = (candidate: string): boolean => listing.has(candidate) || taken.has(candidate);
  if (!used(name)) return name;
  for (let n = 2; ; n++) if (!used(`${name}.${n}`)) return `${name}.${n}`;
}
