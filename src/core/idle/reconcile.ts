/**
 * One reconcile pass, the library entry point behind `fleet reconcile`: read
 * live state, plan idle stops, and carry them out with an engine under the
 * involved hosts' locks. Reading takes no lock, so a pass that finds nothing idle
 * (most of them) never gets in the way of an apply; a pass that does find
 * something locks those hosts, reads and plans again under the locks (an agent
 * may have woken up meanwhile), and applies only that.
 */
import { fleetHosts } from "../apply/apply-fleet.ts";
import type { ProviderCapabilities, ProviderContext } from "../contracts/provider.ts";
import type { DesiredState, LiveAgent, LiveState } from "../model.ts";
import { summarize } from "../plan/summary.ts";
import type { Plan } from "../plan/types.ts";
import { discoverLive } from "../state/discover.ts";
import { knownHosts } from "../state/known-hosts.ts";
import type { ApplyResult, Engine } from "../../engines/engine.ts";
import { agentKey, ALL_AGENTS, planIdle } from "./plan-idle.ts";
import { lockHostsInOrder, providersFor } from "../apply/host-locks.ts";
import { byText } from "../sort.ts";
import { withLocalHostsOf } from "../state/local-hosts.ts";

export interface ReconcileOptions {
  ctx: ProviderContext;
  /** The fleet file: only its agents, by its timeouts. Without it, every agent fleet can see. */
  desired?: DesiredState;
  engine: Engine;
  /** Plan only: nothing is locked or changed. */
  dryRun: boolean;
  parallelism: number;
  /** Aborted on Ctrl-C: stops in flight finish, no new ones start. */
  signal?: AbortSignal;
  /** Epoch ms; defaults to the clock. */
  now?: () => number;
}

export interface Reconciled {
  /** What was acted on: the plan made under the locks when anything was idle. */
  plan: Plan;
  /** Undefined for a dry run and when nothing was idle. */
  result?: ApplyResult;
  /** The live state the plan was made from (the agents as they were before any stop). */
  live: LiveState;
  /** Agents this pass stopped, as they were just before, with why: for notifications. */
  stopped: { agent: LiveAgent; reason: string }[];
}

export async function reconcileOnce(options: ReconcileOptions): Promise<Reconciled> {
  const { ctx, desired } = options;
  const now = options.now ?? Date.now;
  const hostList = desired ? [...fleetHosts(desired).values()] : await knownHosts(ctx.env);
  const declared = new Map(hostList.map((host) => [host.name, host]));
  const providers = await providersFor(hostList);
  const capabilities: Record<string, ProviderCapabilities> = Object.fromEntries(
    [...providers].map(([name, provider]) => [name, provider.capabilities]),
  );
  const timeouts = desired
    ? new Map(desired.agents.map((a) => [agentKey(a.name, a.host), a.idleTimeout]))
    : undefined;
  const plan = (live: LiveState): Plan =>
    planIdle(live, {
      now: now(),
      capabilities,
      ...(desired ? { fleet: desired.fleet, source: desired.source } : {}),
      ...(timeouts ? { timeouts } : {}),
    });

  const firstLive = await discoverLive(hostList, ctx);
  // Local agents declared under names not listed here are on this machine all the same.
  const hosts = withLocalHostsOf(declared, firstLive);
  const first = plan(firstLive);
  const involved = actingHosts(first);
  if (options.dryRun || involved.length === 0) return { plan: first, live: firstLive, stopped: [] };

  const involvedHosts = involved.flatMap((name) => hosts.get(name) ?? []);
  const locks = await lockHostsInOrder(involvedHosts, providers, ctx, (host, error) => {
    ctx.io.notify({
      level: "warn",
      code: "reconcile.lock-failed",
      message: `could not lock host ${host.name}, left for the next reconcile: ${error.message}`,
      data: { host: host.name },
    });
  });
  const { locked } = locks;
  try {
    if (locked.size === 0) {
      return { plan: restrictPlan(first, locked), live: firstLive, stopped: [] };
    }
    const live = await discoverLive(hostList, ctx);
    const planned = restrictPlan(plan(live), locked);
    if (actingHosts(planned).length === 0) return { plan: planned, live, stopped: [] };
    const result = await options.engine.apply(
      planned,
      desired ?? { fleet: ALL_AGENTS, source: planned.source, hosts: [], agents: [] },
      {
        ctx,
        hosts,
        secrets: new Map(),
        parallelism: options.parallelism,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    return { plan: planned, result, live, stopped: stoppedAgents(planned, result, live) };
  } finally {
    await locks.releaseAll();
  }
}

/** The agents whose stop was carried out, as they were before it. */
function stoppedAgents(
  plan: Plan,
  result: ApplyResult,
  live: LiveState,
): { agent: LiveAgent; reason: string }[] {
  const done = new Set(
    result.outcomes.filter((o) => o.status === "done" && o.action === "stop").map((o) => o.address),
  );
  return plan.changes.flatMap((change) => {
    if (change.kind !== "agent" || change.action !== "stop" || !done.has(change.address)) return [];
    const agent = live.agents.find((a) => a.name === change.name && a.host === change.host);
    return agent === undefined ? [] : [{ agent, reason: change.reasons.join("; ") }];
  });
}

/** Hosts with something to stop, by name. */
function actingHosts(plan: Plan): string[] {
  const names = new Set(plan.changes.filter((c) => c.action !== "noop").map((c) => c.host));
  return [...names].sort(byText);
}

/**
 * The plan with stops only on the given hosts: a host whose lock could not be
 * taken is left for the next pass.
 */
export function restrictPlan(plan: Plan, hosts: ReadonlySet<string>): Plan {
  const changes = plan.changes.filter((c) => c.action === "noop" || hosts.has(c.host));
  const kept = new Set(changes.map((c) => c.address));
  const restricted = changes.map((c) => ({
    ...c,
    dependsOn: c.dependsOn.filter((address) => kept.has(address)),
  }));
  return { ...plan, changes: restricted, summary: summarize(restricted) };
}
