/**
 * Agent changes. An agent is keyed by name; only agents owned by this fleet are
 * ever changed or deleted. Agents made with `fleet create` or by another fleet
 * are left alone, and are a conflict when they hold a name this fleet wants on
 * the same host.
 */
import type { AgentSpec, LiveAgent } from "../model.ts";
import type { PlanContext } from "./context.ts";
import { goneReason, hostSpecFor, markUnplanned, onMachineOf, ownerWords } from "./context.ts";
import { describeField, diffAgentSpecs } from "./diff.ts";
import type { Change, FieldChange, PlanAction, ServiceRestart } from "./types.ts";

/** The live spec, pinned to where the agent really is (apply destroys it there). */
function liveSpec(live: LiveAgent): AgentSpec {
  return live.spec.host === live.host && live.spec.name === live.name
    ? live.spec
    : { ...live.spec, name: live.name, host: live.host };
}

function hostDependency(ctx: PlanContext, host: string): string[] {
  const change = ctx.hostChanges.get(host);
  return change === undefined || change.action === "noop" ? [] : [change.address];
}

function providerOf(ctx: PlanContext, host: string, live?: LiveAgent): string {
  return hostSpecFor(ctx, host)?.provider ?? live?.provider ?? "unknown";
}

function agentChange(
  ctx: PlanContext,
  spec: AgentSpec,
  action: PlanAction,
  live: LiveAgent | undefined,
  reasons: string[],
  fields: FieldChange[],
): Change {
  return {
    address: `agents.${spec.name}`,
    kind: "agent",
    name: spec.name,
    host: spec.host,
    provider: providerOf(ctx, spec.host, live),
    action,
    before: live === undefined ? null : liveSpec(live),
    after: spec,
    reasons,
    fields,
    dependsOn: action === "noop" ? [] : hostDependency(ctx, spec.host),
  };
}

function deleteChange(ctx: PlanContext, live: LiveAgent, address: string, reason: string): Change {
  // A stopped container must be running before anything in it can be removed.
  const hostChange = ctx.hostChanges.get(live.host);
  return {
    address,
    kind: "agent",
    name: live.name,
    host: live.host,
    provider: live.provider,
    action: "delete",
    before: liveSpec(live),
    after: null,
    reasons: [reason],
    fields: [],
    dependsOn: hostChange?.action === "start" ? [hostChange.address] : [],
  };
}

/** The running agent's dead services, each to restart on its port. */
export function deadServices(live: LiveAgent): ServiceRestart[] {
  if (live.state !== "RUNNING" && live.state !== "WAITING") return [];
  const restarts: ServiceRestart[] = [];
  for (const service of live.services ?? []) {
    if (service.state !== "exited" && service.state !== "missing") continue;
    restarts.push({
      service: service.name,
      state: service.state,
      ...(service.exitCode === undefined ? {} : { exitCode: service.exitCode }),
      port: service.port,
    });
  }
  return restarts;
}

/** "service db exited (code 1)", "service web's window is gone". */
export function restartReason(restart: ServiceRestart): string {
  if (restart.state === "missing") return `service ${restart.service}'s window is gone`;
  const code = restart.exitCode === undefined ? "" : ` (code ${restart.exitCode})`;
  return `service ${restart.service} exited${code}`;
}

function idleReason(live: LiveAgent): string[] {
  if (live.state === "STOPPED") {
    return [`stopped; \`fleet start ${live.name}\` resumes it (apply leaves it stopped)`];
  }
  if (live.state === "DONE") return ["done: it exited by itself; apply does not restart it"];
  return [];
}

/** The change for a desired agent that has an owned live counterpart. */
function planExisting(ctx: PlanContext, spec: AgentSpec, live: LiveAgent): Change {
  // liveSpec pins `host` to where the agent is, so a move shows as a `host` field change.
  // Another name for the same machine (local -> laptop) moves nothing: the record
  // takes the new name in place.
  const renamed = live.host !== spec.host && onMachineOf(ctx, live, spec.host);
  const fields = diffAgentSpecs(liveSpec(live), spec).map((field) =>
    renamed && field.field === "host" ? { ...field, forcesReplacement: false } : field,
  );
  const reasons = fields.map((field) =>
    renamed && field.field === "host"
      ? `host renamed from ${live.host} to ${spec.host}, the same machine (updated in place)`
      : describeField(field),
  );
  const stateNote =
    live.state === "STOPPED" || live.state === "DONE"
      ? [`it is ${live.state.toLowerCase()}; the replacement will run`]
      : [];

  if (live.host !== spec.host && !renamed) {
    const moved = `moved from host ${live.host} to ${spec.host} (forces replacement)`;
    const rest = reasons.filter((reason) => !reason.startsWith("host changed"));
    return agentChange(ctx, spec, "replace", live, [moved, ...rest, ...stateNote], fields);
  }
  if (live.state === "MISSING") {
    // Nothing runs to be destroyed: the new spec is simply started.
    const info = fields.map((field) => ({ ...field, forcesReplacement: false }));
    const why = ["the agent's session is gone", ...info.map(describeField)];
    return agentChange(ctx, spec, "create", live, why, info);
  }
  const hostReplaced = ctx.hostChanges.get(spec.host)?.action === "replace";
  if (fields.some((field) => field.forcesReplacement) || hostReplaced) {
    const why = hostReplaced ? [...reasons, `its host ${spec.host} is replaced`] : reasons;
    return agentChange(ctx, spec, "replace", live, [...why, ...stateNote], fields);
  }
  const restarts = deadServices(live);
  if (fields.length > 0 || restarts.length > 0) {
    const why = [...reasons, ...restarts.map(restartReason), ...idleReason(live)];
    const change = agentChange(ctx, spec, "update", live, why, fields);
    return restarts.length > 0 ? { ...change, restarts } : change;
  }
  return agentChange(ctx, spec, "noop", live, idleReason(live), []);
}

function planDesiredAgent(ctx: PlanContext, spec: AgentSpec, changes: Change[]): void {
  const address = `agents.${spec.name}`;
  if (ctx.hostErrors.has(spec.host)) {
    markUnplanned(ctx, spec.host, address);
    return;
  }
  // Listed in the host's conflict already.
  if (ctx.blockedHosts.has(spec.host)) return;
  // Its record cannot be trusted or read: fleet neither replaces nor deletes
  // what runs there (compute.ts reports it as a conflict).
  const machine = hostSpecFor(ctx, spec.host)?.provider === "local" ? "local" : spec.host;
  if (ctx.agentErrors.has(`${spec.host}\u0000${spec.name}`)) return;
  if (ctx.agentErrors.has(`${machine}\u0000${spec.name}`)) return;

  const sameName = ctx.liveAgentsByName.get(spec.name) ?? [];
  // One machine has one agent per name, whichever of its names it was declared on.
  const squatter = sameName.find(
    (live) => onMachineOf(ctx, live, spec.host) && live.fleet !== ctx.fleet,
  );
  if (squatter !== undefined) {
    ctx.conflicts.push({
      address,
      message:
        `host ${spec.host}${squatter.host === spec.host ? "" : ` (the same machine as ${squatter.host})`} already has an agent named "${spec.name}" that belongs to ` +
        `${ownerWords(squatter.fleet)}; rename one of them or delete it`,
    });
    return;
  }
  const owned = sameName.filter((live) => live.fleet === ctx.fleet);
  const match =
    owned.find((live) => live.host === spec.host) ??
    owned.find((live) => onMachineOf(ctx, live, spec.host)) ??
    owned[0];
  if (match === undefined) {
    changes.push(agentChange(ctx, spec, "create", undefined, ["the agent does not exist yet"], []));
    return;
  }
  changes.push(planExisting(ctx, spec, match));
  for (const extra of owned) {
    if (extra === match) continue;
    const why = `a second copy on host ${extra.host}; the fleet file places it on ${spec.host}`;
    changes.push(deleteChange(ctx, extra, `agents.${extra.name}@${extra.host}`, why));
  }
}

/** Every agent change: desired agents, then owned agents the fleet file no longer has. */
export function planAgents(ctx: PlanContext): Change[] {
  const changes: Change[] = [];
  const desired = [...ctx.desired.agents].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const spec of desired) planDesiredAgent(ctx, spec, changes);

  const desiredNames = new Set(desired.map((spec) => spec.name));
  for (const [name, lives] of ctx.liveAgentsByName) {
    if (desiredNames.has(name)) continue;
    const owned = lives.filter((live) => live.fleet === ctx.fleet);
    for (const live of owned) {
      const address = owned.length === 1 ? `agents.${name}` : `agents.${name}@${live.host}`;
      changes.push(deleteChange(ctx, live, address, goneReason(ctx)));
    }
  }
  return changes;
}
