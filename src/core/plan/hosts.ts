/**
 * Host changes. Only hosts whose provider manages them (docker) are created,
 * started, replaced, updated or deleted; local and SSH hosts exist or are
 * reported as host errors.
 */
import type { HostSpec, LiveAgent, LiveHost } from "../model.ts";
import { specHash } from "../spec-hash.ts";
import type { PlanContext } from "./context.ts";
import { goneReason, managesHost, markUnplanned, ownerWords } from "./context.ts";
import { describeField, diffHostSpecs } from "./diff.ts";
import type { Change, FieldChange, PlanAction } from "./types.ts";

function hostChange(
  spec: HostSpec,
  action: PlanAction,
  live: LiveHost | undefined,
  reasons: string[],
  fields: FieldChange[],
): Change {
  return {
    address: `hosts.${spec.name}`,
    kind: "host",
    name: spec.name,
    host: spec.name,
    provider: spec.provider,
    action,
    before: live?.spec ?? null,
    after: spec,
    reasons,
    fields,
    dependsOn: [],
  };
}

function hostFields(live: LiveHost, spec: HostSpec): FieldChange[] {
  if (live.spec !== undefined) return diffHostSpecs(live.spec, spec);
  const fields: FieldChange[] = [];
  if (live.provider !== spec.provider) {
    fields.push({
      field: "provider",
      before: live.provider,
      after: spec.provider,
      forcesReplacement: true,
      sensitive: false,
    });
  }
  // Without the live spec only the hash can tell; assume the worst.
  if (fields.length === 0 && live.specHash !== undefined && live.specHash !== specHash(spec)) {
    fields.push({
      field: "spec",
      before: live.specHash,
      after: specHash(spec),
      forcesReplacement: true,
      sensitive: false,
    });
  }
  return fields;
}

/** Agents on a host that this fleet does not own: destroying the host would destroy them. */
function foreignAgents(ctx: PlanContext, host: string): LiveAgent[] {
  return (ctx.liveAgentsByHost.get(host) ?? []).filter((agent) => agent.fleet !== ctx.fleet);
}

function agentsDesiredOn(ctx: PlanContext, host: string): string[] {
  return ctx.desired.agents.filter((a) => a.host === host).map((a) => `agents.${a.name}`);
}

function planDesiredHost(ctx: PlanContext, spec: HostSpec): Change | null {
  const live = ctx.liveHosts.get(spec.name);
  if (live === undefined || live.state === "missing") {
    return hostChange(spec, "create", undefined, ["the host does not exist yet"], []);
  }
  if (live.fleet !== ctx.fleet) {
    const unplanned = agentsDesiredOn(ctx, spec.name);
    ctx.blockedHosts.set(spec.name, unplanned);
    const left = unplanned.length > 0 ? `; not planned on it: ${unplanned.join(", ")}` : "";
    ctx.conflicts.push({
      address: `hosts.${spec.name}`,
      message: `a host named "${spec.name}" already exists and belongs to ${ownerWords(live.fleet)}${left}`,
    });
    return null;
  }
  const fields = hostFields(live, spec);
  const forcing = fields.filter((field) => field.forcesReplacement);
  if (forcing.length > 0) {
    const foreign = foreignAgents(ctx, spec.name);
    if (foreign.length > 0) {
      ctx.conflicts.push({
        address: `hosts.${spec.name}`,
        message:
          `the host must be replaced (${forcing.map((f) => f.field).join(", ")} changed) but runs ` +
          `agents this fleet does not own: ${foreign.map((a) => a.name).join(", ")}; ` +
          `delete them or move them first`,
      });
      return null;
    }
    return hostChange(spec, "replace", live, fields.map(describeField), fields);
  }
  if (live.state === "stopped") {
    return hostChange(
      spec,
      "start",
      live,
      ["the host is stopped", ...fields.map(describeField)],
      fields,
    );
  }
  if (fields.length > 0) {
    return hostChange(spec, "update", live, fields.map(describeField), fields);
  }
  return hostChange(spec, "noop", live, [], []);
}

/** Creates, starts, replaces and updates of desired hosts, into ctx.hostChanges. */
export function planDesiredHosts(ctx: PlanContext): void {
  for (const spec of [...ctx.desired.hosts].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (ctx.hostErrors.has(spec.name)) {
      if (managesHost(ctx, spec.provider)) markUnplanned(ctx, spec.name, `hosts.${spec.name}`);
      continue;
    }
    if (!managesHost(ctx, spec.provider)) continue;
    const change = planDesiredHost(ctx, spec);
    if (change !== null) ctx.hostChanges.set(spec.name, change);
  }
}

/**
 * Deletes of hosts this fleet made that the fleet file no longer has. Each
 * waits for every agent change that destroys something on it.
 */
export function planHostDeletes(ctx: PlanContext, agentChanges: readonly Change[]): Change[] {
  const deletes: Change[] = [];
  const hosts = [...ctx.liveHosts.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const live of hosts) {
    if (live.fleet !== ctx.fleet || live.state === "missing") continue;
    if (ctx.desiredHosts.has(live.name) || !managesHost(ctx, live.provider)) continue;
    const address = `hosts.${live.name}`;
    const foreign = foreignAgents(ctx, live.name);
    if (foreign.length > 0) {
      ctx.conflicts.push({
        address,
        message:
          `${ctx.destroying ? "the host is being destroyed" : "the host is no longer in the fleet file"} but runs agents this fleet does not own: ` +
          `${foreign.map((a) => a.name).join(", ")}; it is kept until they are gone`,
      });
      continue;
    }
    const dependsOn = agentChanges
      .filter(
        (c) => (c.action === "delete" || c.action === "replace") && beforeHost(c) === live.name,
      )
      .map((c) => c.address);
    deletes.push({
      address,
      kind: "host",
      name: live.name,
      host: live.name,
      provider: live.provider,
      action: "delete",
      before: live.spec ?? null,
      after: null,
      reasons: [goneReason(ctx)],
      fields: [],
      dependsOn,
    });
  }
  return deletes;
}

/**
 * A replaced host waits for the agent changes that destroy something on it and
 * do not come back to it (deletes, moves away): their work is saved from the
 * old container before it goes.
 */
export function linkHostReplaces(ctx: PlanContext, agentChanges: readonly Change[]): void {
  for (const change of ctx.hostChanges.values()) {
    if (change.action !== "replace") continue;
    change.dependsOn = agentChanges
      .filter(
        (c) =>
          (c.action === "delete" && c.host === change.name) ||
          (c.action === "replace" && beforeHost(c) === change.name && c.host !== change.name),
      )
      .map((c) => c.address);
  }
}

/** The host an agent change destroys something on. */
function beforeHost(change: Change): string | undefined {
  if (change.action === "delete") return change.host;
  const before = change.before;
  return before !== null && "host" in before ? before.host : undefined;
}
