/**
 * `fleet pair`: keeps the user's checkout and an agent's work dir in step until
 * the signal aborts, by polling both sides (src/core/pair) and carrying each
 * change across where the other side has not changed too. Writes into the
 * agent's work dir take the host lock one batch at a time, as `fleet push` does.
 */
import { realpath, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError, usageError } from "../errors.ts";
import { repoOf } from "../host/local-git.ts";
import { requireAgent } from "../host/read-agent.ts";
import { agentSide } from "../pair/agent-side.ts";
import { localSide, sha1 } from "../pair/local-side.ts";
import {
  CONFLICT_RULES,
  decideRound,
  DIRECTIONS,
  type BaselineEntry,
  type ConflictRule,
  type Direction,
  type PairOp,
  type Side,
} from "../pair/pair-decide.ts";
import type { PairSide } from "../pair/pair-side.ts";
import { findAgent, withHostLock } from "./agent-target.ts";

export const PAIR_INTERVAL_MS = 500;

export type PairEvent =
  | {
      event: "start";
      agent: string;
      host: string;
      local: string;
      workdir: string;
      direction: Direction;
      conflict: ConflictRule;
    }
  | { event: "sync"; to: Side; path: string; action: "write" | "delete"; why: PairOp["why"] }
  | { event: "conflict"; path: string; rule: ConflictRule }
  /** After the first round: the sides are in step (as far as the direction lets them). */
  | { event: "ready"; files: number }
  | { event: "skipped"; to: Side; path: string; reason: "changed" | "refused" };

export interface PairSummary {
  agent: string;
  host: string;
  toAgent: number;
  toLocal: number;
  conflicts: number;
  rounds: number;
  /** The mean time a round took, pauses between rounds left out. */
  roundMs: number;
  seconds: number;
}

export interface PairOptions {
  path?: string;
  direction?: string;
  conflict?: string;
  intervalMs?: number;
  signal: AbortSignal;
  onEvent: (event: PairEvent) => void;
}

export async function pairAgent(
  ref: string,
  ctx: ProviderContext,
  options: PairOptions,
): Promise<PairSummary> {
  const direction = pick(options.direction ?? "both", DIRECTIONS, "--direction");
  const conflict = pick(options.conflict ?? "stop", CONFLICT_RULES, "--conflict");
  const localRoot = await checkoutDir(options.path);
  const { agent, handle } = await findAgent(ref, ctx);
  if (agent.state === "STOPPED") {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${agent.name} is STOPPED: pair keeps a running agent's work dir in step`,
      {
        hint: `\`fleet start ${agent.name}\` starts it (and its host), then \`fleet pair ${agent.name}\``,
      },
    );
  }
  const found = await requireAgent(handle, agent.name);
  const workdir = found.record.workdir;
  if (handle.provider.name === "local") await checkApart(localRoot, workdir);

  const sides: Record<Side, PairSide> = {
    local: localSide(localRoot, { git: (await repoOf(localRoot)) !== undefined }),
    agent: agentSide(found.transport, workdir, agent.name),
  };
  const summary: PairSummary = {
    agent: agent.name,
    host: agent.host,
    toAgent: 0,
    toLocal: 0,
    conflicts: 0,
    rounds: 0,
    roundMs: 0,
    seconds: 0,
  };
  let busyMs = 0;
  const refused = new Set<string>();
  const reported = new Set<string>();
  const started = Date.now();
  const baseline = new Map<string, BaselineEntry>();
  const settle = (path: string, entry: BaselineEntry | undefined): void => {
    if (entry === undefined) baseline.delete(path);
    else baseline.set(path, entry);
  };
  options.onEvent({
    event: "start",
    agent: agent.name,
    host: agent.host,
    local: localRoot,
    workdir,
    direction,
    conflict,
  });

  const round = async (): Promise<void> => {
    const [local, remote] = await Promise.all([sides.local.list(), sides.agent.list()]);
    const decided = decideRound(baseline, local, remote, { direction, conflict });
    summary.rounds++;
    if (conflict === "stop" && decided.conflicts.length > 0) {
      throw conflictError(decided.conflicts, agent.name);
    }
    for (const path of decided.conflicts) {
      options.onEvent({ event: "conflict", path, rule: conflict });
    }
    summary.conflicts += decided.conflicts.length;
    for (const [path, entry] of decided.settle) settle(path, entry);

    const apply = async (ops: PairOp[]): Promise<void> => {
      for (const op of ops) {
        // Interrupted: the ops in hand are not started (the lock may be gone with Ctrl-C).
        if (options.signal.aborted) return;
        // Refused once (a symlink on its way): not tried, nor reported, again until it changes.
        const key = JSON.stringify([op.to, op.path, op.kind === "write" ? op.hash : "", op.expect]);
        if (refused.has(key)) continue;
        const done = await applyOp(op, sides);
        if (done !== "done") {
          if (done === "refused") refused.add(key);
          // A target that keeps differing (a file git ignores on one side only) is said once.
          if (!reported.has(key))
            options.onEvent({ event: "skipped", to: op.to, path: op.path, reason: done });
          reported.add(key);
          continue;
        }
        if (op.why !== "conflict-copy") settle(op.path, op.settle);
        if (op.to === "agent") summary.toAgent++;
        else summary.toLocal++;
        options.onEvent({ event: "sync", to: op.to, path: op.path, action: op.kind, why: op.why });
      }
    };
    const intoAgent = decided.ops.filter((op) => op.to === "agent");
    const intoLocal = decided.ops.filter((op) => op.to === "local");
    if (intoLocal.length > 0) await apply(intoLocal);
    if (intoAgent.length > 0) await withHostLock(handle, () => apply(intoAgent));
    if (summary.rounds === 1) options.onEvent({ event: "ready", files: baseline.size });
  };

  while (!options.signal.aborted) {
    const roundStart = Date.now();
    try {
      await round();
      busyMs += Date.now() - roundStart;
      summary.roundMs = Math.round(busyMs / summary.rounds);
    } catch (error) {
      // Ctrl-C on a terminal reaches the host commands in flight too (they share its
      // process group): a failure after it is the interruption, not an error.
      if (options.signal.aborted) break;
      throw error;
    }
    await sleep(options.intervalMs ?? PAIR_INTERVAL_MS, undefined, {
      signal: options.signal,
    }).catch(() => undefined);
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** Reads the source's version and writes it on the target, if both still hold what was decided on. */
async function applyOp(
  op: PairOp,
  sides: Record<Side, PairSide>,
): Promise<"done" | "changed" | "refused"> {
  const target = sides[op.to];
  if (op.kind === "delete") return target.remove(op.path, op.expect);
  const source = sides[op.to === "agent" ? "local" : "agent"];
  const content = await source.read(op.source);
  // Changed again since it was listed: the next round decides afresh.
  if (content === undefined || sha1(content) !== op.hash) return "changed";
  return target.write(op.path, content, op.exec, op.expect);
}

function pick<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw usageError(`${flag} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  }
  return found;
}

/** The checkout to pair: --path as given, else the top of the git repo here, else here. */
async function checkoutDir(path: string | undefined): Promise<string> {
  const dir = path ?? (await repoOf(process.cwd()))?.top ?? process.cwd();
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw usageError(`${dir} is not a directory`, "pass the checkout to pair with --path DIR");
  }
  const real = await realpath(dir);
  if (real === "/")
    throw usageError("pair will not sync the whole filesystem (/)", "pass --path DIR");
  return real;
}

/** A local agent's work dir is on this machine: it must be neither the checkout nor in or around it. */
async function checkApart(localRoot: string, workdir: string): Promise<void> {
  const agentDir = await realpath(workdir).catch(() => workdir);
  const inside = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`);
  if (inside(localRoot, agentDir) || inside(agentDir, localRoot)) {
    throw usageError(
      `${localRoot} and the agent's work dir ${agentDir} overlap: there is nothing to pair`,
      "pass your own checkout with --path DIR",
    );
  }
}

function conflictError(paths: string[], agent: string): FleetError {
  const shown = paths.slice(0, 20).map((path) => JSON.stringify(path));
  const more = paths.length > shown.length ? ` and ${paths.length - shown.length} more` : "";
  return new FleetError(
    "PAIR_CONFLICT",
    `${paths.length === 1 ? "1 file differs" : `${paths.length} files differ`} between your checkout and agent ${agent}'s work dir, changed on both sides: ${shown.join(", ")}${more}. Nothing was changed for them.`,
    {
      hint: `make them equal, or choose with --conflict keep-both | prefer-local | prefer-agent (e.g. \`fleet pair ${agent} --conflict keep-both\`)`,
      details: { paths },
    },
  );
}
