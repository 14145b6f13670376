/**
 * `fleet cleanup`: stops (default) or destroys the agents no fleet file owns
 * that are older or idle past the limits given. What it would do is shown
 * first; under each host's lock the agent is read again and left alone when it
 * no longer qualifies (someone used it meanwhile). Destroying goes the way of
 * `fleet destroy`: work saved first, a `fleet create --snapshot` host removed
 * with its last agent.
 */
import { destroyAgents, type DestroyedAgents } from "../apply/destroy-agents.ts";
import {
  type CleanupCandidate,
  type CleanupCriteria,
  type CleanupOptions,
  criteriaWords,
  judgeForCleanup,
  parseCleanupCriteria,
  selectForCleanup,
} from "../cleanup/cleanup-select.ts";
import type { ProviderContext } from "../contracts/provider.ts";
import type { HostHandle } from "../host/handle.ts";
import { stopAgent } from "../host/lifecycle.ts";
import { readAgent } from "../host/read-agent.ts";
import { getProvider } from "../registry.ts";
import { resolveAgent } from "../state/resolve-agent.ts";
import { readLive, withHostLock } from "./agent-target.ts";

export interface CleanupRequest extends CleanupOptions {
  dryRun?: boolean;
}

interface Picked {
  criteria: CleanupCriteria;
  candidates: CleanupCandidate[];
}

export type CleanupOutcome =
  | (Picked & { status: "none" })
  | (Picked & { status: "dry-run" })
  | (Picked & { status: "declined" })
  | (Picked & {
      status: "done";
      /** Agents stopped (for --stop) or destroyed, as NAME@HOST. */
      changed: string[];
      /** Agents that were picked but no longer qualified under the lock. */
      kept: string[];
      destroyed: DestroyedAgents["destroyed"];
      removedHosts: DestroyedAgents["removedHosts"];
    });

const ref = (c: { name: string; host: string }): string => `${c.name}@${c.host}`;

export async function cleanupAgents(
  request: CleanupRequest,
  ctx: ProviderContext,
  confirm: (candidates: readonly CleanupCandidate[], criteria: CleanupCriteria) => Promise<boolean>,
): Promise<CleanupOutcome> {
  // Bad input changes nothing: checked before any host is read.
  const criteria = parseCleanupCriteria(request);
  const { live, hosts } = await readLive(ctx);
  const candidates = selectForCleanup(live.agents, criteria, Date.now());
  if (candidates.length === 0) return { status: "none", criteria, candidates };
  if (request.dryRun === true) return { status: "dry-run", criteria, candidates };
  if (!(await confirm(candidates, criteria))) return { status: "declined", criteria, candidates };

  const targets = await Promise.all(
    candidates.map(async ({ agent }) => {
      const { host } = resolveAgent(ref(agent), live, hosts);
      const handle: HostHandle = { provider: await getProvider(host.provider), host, ctx };
      return { name: agent.name, host: agent.host, agent, handle };
    }),
  );
  const stillQualifies = async (handle: HostHandle, name: string): Promise<boolean> => {
    const fresh = await readAgent(handle, name);
    return (
      fresh.problem === undefined &&
      fresh.live !== undefined &&
      judgeForCleanup(fresh.live, criteria, Date.now()) !== undefined
    );
  };

  if (criteria.action === "destroy") {
    const result = await destroyAgents(targets, live, ctx, {
      recheck: (target) => stillQualifies(target.handle, target.name),
    });
    return {
      status: "done",
      criteria,
      candidates,
      changed: result.destroyed.map((d) => ref({ name: d.agent, host: d.host })),
      kept: result.kept.map(ref),
      destroyed: result.destroyed,
      removedHosts: result.removedHosts,
    };
  }
  const changed: string[] = [];
  const kept: string[] = [];
  for (const target of targets) {
    const stopped = await withHostLock(target.handle, async () => {
      if (!(await stillQualifies(target.handle, target.name))) return false;
      await stopAgent(target.handle, target.name, { reason: stopReason(criteria) });
      return true;
    });
    (stopped ? changed : kept).push(ref(target));
  }
  return { status: "done", criteria, candidates, changed, kept, destroyed: [], removedHosts: [] };
}

const stopReason = (criteria: CleanupCriteria): string =>
  `stopped by fleet cleanup (${criteriaWords(criteria)})`;
