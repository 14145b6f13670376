/**
 * computePlan: (desired, live) -> Plan. Pure and deterministic: no I/O, and the
 * same inputs give the same plan (`now` only sets createdAt).
 */
import type { ProviderCapabilities } from "../contracts/provider.ts";
import type { DesiredState, LiveState } from "../model.ts";
import { planAgents } from "./agents.ts";
import { buildContext } from "./context.ts";
import { liveFingerprint, planScope } from "./fingerprint.ts";
import { linkHostReplaces, planDesiredHosts, planHostDeletes } from "./hosts.ts";
import { summarize } from "./summary.ts";
import type { Change, Plan, PlanConflict, PlanHostError } from "./types.ts";
import { PLAN_FORMAT_VERSION } from "./types.ts";

export { hasChanges } from "./summary.ts";

export interface ComputePlanOptions {
  /** Capabilities by provider name; a provider not listed is treated as not managing hosts. */
  capabilities: Record<string, ProviderCapabilities>;
  /**
   * The plan is `fleet destroy`'s: the desired state is empty because everything
   * goes, not because the file dropped it, and the reasons say so.
   */
  destroying?: boolean;
  /** Sets createdAt; defaults to the current time. */
  now?: Date;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Hosts first, then agents, each by address: the order renderers show. */
function compareChanges(a: Change, b: Change): number {
  if (a.kind !== b.kind) return a.kind === "host" ? -1 : 1;
  return compareStrings(a.address, b.address);
}

/**
 * What it would take to make `live` match `desired`, for the objects the fleet
 * owns. See docs/plan-format.md for the rules in words.
 */
export function computePlan(
  desired: DesiredState,
  live: LiveState,
  options: ComputePlanOptions,
): Plan {
  const ctx = buildContext(desired, live, options.capabilities, options.destroying === true);
  planDesiredHosts(ctx);
  const agentChanges = planAgents(ctx);
  linkHostReplaces(ctx, agentChanges);
  const hostDeletes = planHostDeletes(ctx, agentChanges);
  const changes = [...ctx.hostChanges.values(), ...agentChanges, ...hostDeletes].sort(
    compareChanges,
  );

  const hostErrors: PlanHostError[] = [...ctx.hostErrors.values()]
    .sort((a, b) => compareStrings(a.host, b.host))
    .map((error) => ({
      ...error,
      unplanned: [...(ctx.unplanned.get(error.host) ?? [])].sort(compareStrings),
    }));

  return {
    format_version: PLAN_FORMAT_VERSION,
    fleet: desired.fleet,
    source: desired.source,
    createdAt: (options.now ?? new Date()).toISOString(),
    fingerprint: liveFingerprint(live, planScope(desired)),
    changes,
    conflicts: [...ctx.conflicts, ...untrustedAgents(desired, live)].sort((a, b) =>
      compareStrings(a.address, b.address),
    ),
    hostErrors,
    summary: summarize(changes),
  };
}

/**
 * Agents on the fleet's hosts whose record is TAMPERED or UNREADABLE: not
 * planned, neither replaced from the fleet file nor deleted, until the user
 * adopts or destroys them.
 */
function untrustedAgents(desired: DesiredState, live: LiveState): PlanConflict[] {
  const hosts = new Set(["local", ...desired.hosts.map((host) => host.name)]);
  const desiredOn = new Map(desired.agents.map((agent) => [agent.name, agent.host]));
  return live.errors.flatMap((error) => {
    if (error.agent === undefined || !hosts.has(error.host)) return [];
    const address =
      desiredOn.get(error.agent) === error.host
        ? `agents.${error.agent}`
        : `agents.${error.agent}@${error.host}`;
    const hint = error.error.hint === undefined ? "" : `; ${error.error.hint}`;
    return [{ address, message: `${error.error.message}${hint}` }];
  });
}
