/**
 * A hash of exactly the live state a plan depended on. Apply recomputes it from
 * a fresh discovery and refuses a saved plan whose fingerprint no longer
 * matches, so a plan reviewed yesterday cannot act on a world that has moved.
 */
import { createHash } from "node:crypto";
import type { AgentState, DesiredState, LiveState } from "../model.ts";
import { canonicalJson, specHash } from "../spec-hash.ts";

export interface FingerprintScope {
  /** The fleet's name: every live object it owns is in scope (deletes depend on them). */
  fleet: string;
  /** Desired hosts, and the hosts desired agents run on. */
  hosts: string[];
  /** Desired agent names: a same-named agent anywhere can create a conflict. */
  agentNames: string[];
}

/** The scope computePlan uses for a desired state; apply must use the same. */
export function planScope(desired: DesiredState): FingerprintScope {
  const hosts = new Set(desired.hosts.map((host) => host.name));
  for (const agent of desired.agents) hosts.add(agent.host);
  return {
    fleet: desired.fleet,
    hosts: [...hosts].sort(),
    agentNames: desired.agents.map((agent) => agent.name).sort(),
  };
}

/**
 * The plan gives an agent the same action whether it runs, waits, was stopped
 * (by hand or by idle reconcile) or has finished; only a vanished session
 * (MISSING) changes it. Counting the other flips would make a reviewed plan
 * stale each time reconcile stopped an idle agent between plan and apply.
 */
function planState(state: AgentState): string {
  return state === "MISSING" ? "MISSING" : "PRESENT";
}

const byKey = (a: { key: string }, b: { key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/**
 * sha256 (hex) over, sorted: per relevant host its provider, owner, state and
 * spec hash, or the error code it could not be read with; per relevant agent
 * its host, name, owner, spec hash and state. Spec hashes are computed from the
 * reported spec (what the plan compared), not taken from the provider's label. Activity, attachment and times
 * are left out: they do not change a plan.
 */
export function liveFingerprint(live: LiveState, scope: FingerprintScope): string {
  const hostNames = new Set(scope.hosts);
  const agentNames = new Set(scope.agentNames);

  const hosts = live.hosts
    .filter((host) => hostNames.has(host.name) || host.fleet === scope.fleet)
    .map((host) => ({
      key: `${host.name}\u0000${host.provider}`,
      name: host.name,
      provider: host.provider,
      fleet: host.fleet,
      state: host.state,
      // The plan compares specs structurally, so hash what it compared.
      specHash: host.spec === undefined ? (host.specHash ?? null) : specHash(host.spec),
    }))
    .sort(byKey);

  const errors = live.errors
    .filter((error) => hostNames.has(error.host))
    .map((error) => ({
      key: `${error.host}\u0000${error.agent ?? ""}`,
      host: error.host,
      ...(error.agent === undefined ? {} : { agent: error.agent }),
      code: error.error.code,
    }))
    .sort(byKey);

  const agents = live.agents
    .filter((agent) => agentNames.has(agent.name) || agent.fleet === scope.fleet)
    .map((agent) => ({
      key: `${agent.host}\u0000${agent.name}`,
      host: agent.host,
      name: agent.name,
      fleet: agent.fleet,
      specHash: specHash(agent.spec),
      state: planState(agent.state),
    }))
    .sort(byKey);

  const document = { version: 1, fleet: scope.fleet, hosts, errors, agents };
  return createHash("sha256").update(canonicalJson(document)).digest("hex");
}
