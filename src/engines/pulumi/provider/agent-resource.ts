/**
 * fleet:index:Agent. Every change is made the native engine's way: the plan is
 * computed for this one agent against what its host reports, and its change is
 * carried out by the same code `fleet apply` runs. So an agent made natively
 * that matches is adopted as it is, a killed session is relaunched, and a delete
 * saves work before anything goes.
 */
import type { DiffResult, ReadResult } from "@pulumi/pulumi/provider/index.js";
import { FleetError } from "../../../core/errors.ts";
import {
  DEFAULT_HOST,
  type HostSpec,
  type LiveAgent,
  type LiveState,
} from "../../../core/model.ts";
import { diffAgentSpecs, sameValue } from "../../../core/plan/diff.ts";
import { deadServices } from "../../../core/plan/agents.ts";
import { computePlan } from "../../../core/plan/compute.ts";
import type { Change } from "../../../core/plan/types.ts";
import { getProvider } from "../../../core/registry.ts";
import { resolveSecrets } from "../../../core/secrets.ts";
import { discoverLive } from "../../../core/state/discover.ts";
import { rememberedHosts } from "../../../core/state/known-hosts.ts";
import { executeChange } from "../../native/execute-change.ts";
import {
  agentId,
  agentSpecOf,
  parseAgentId,
  type AgentInputs,
  type AgentOutputs,
} from "../resource-types.ts";
import { operationContext, reportSaved, withHostLock } from "./operation-context.ts";

const addressOf = (name: string): string => `agents.${name}`;

async function liveOn(host: HostSpec, fleet: string): Promise<LiveState> {
  return discoverLive([host], operationContext(fleet));
}

function hostError(live: LiveState, host: HostSpec): FleetError | undefined {
  const error = live.errors.find((e) => e.host === host.name && e.agent === undefined)?.error;
  return error && new FleetError(error.code, error.message, { fault: error.fault });
}

function outputsOf(inputs: AgentInputs, live: LiveAgent): AgentOutputs {
  return {
    ...inputs,
    ...live.spec,
    fleet: inputs.fleet,
    hostSpec: inputs.hostSpec,
    state: live.state,
    specHash: live.specHash,
    deadServices: deadServices(live).map((restart) => restart.service),
  };
}

/** Plans this one agent natively and carries its change out; returns its outputs. */
async function converge(inputs: AgentInputs): Promise<AgentOutputs> {
  const host = inputs.hostSpec;
  const spec = agentSpecOf(inputs);
  const ctx = operationContext(inputs.fleet);
  return withHostLock(host, ctx, async () => {
    const provider = await getProvider(host.provider);
    const desired = {
      fleet: inputs.fleet,
      source: "pulumi",
      hosts: host.name === DEFAULT_HOST.name ? [] : [host],
      agents: [spec],
    };
    const live = await liveOn(host, inputs.fleet);
    const failed = hostError(live, host);
    if (failed) throw failed;
    const plan = computePlan(desired, live, {
      capabilities: { [host.provider]: provider.capabilities },
    });
    const conflict = plan.conflicts.find((c) => c.address === addressOf(spec.name));
    if (conflict) throw new FleetError("PLAN_CONFLICT", `${conflict.address}: ${conflict.message}`);
    const change = plan.changes.find((c) => c.address === addressOf(spec.name));
    if (change && change.action !== "noop") {
      const saved = await executeChange(change, {
        fleet: inputs.fleet,
        ctx,
        hosts: new Map([[host.name, host]]),
        secrets: new Map([[spec.name, resolveSecrets(spec.secrets, process.env)]]),
      });
      await reportSaved(addressOf(spec.name), saved);
    }
    const after = (await liveOn(host, inputs.fleet)).agents.find((a) => a.name === spec.name);
    if (!after) {
      throw new FleetError(
        "AGENT_NOT_FOUND",
        `agent ${spec.name} is not on host ${host.name} after it was made`,
        { fault: "system" },
      );
    }
    return outputsOf(inputs, after);
  });
}

export async function createAgentResource(
  inputs: AgentInputs,
): Promise<{ id: string; outs: AgentOutputs }> {
  const outs = await converge(inputs);
  return { id: agentId(inputs.hostSpec.name, inputs.name), outs };
}

export async function updateAgentResource(news: AgentInputs): Promise<{ outs: AgentOutputs }> {
  return { outs: await converge(news) };
}

/** Replaced when a field the native plan would replace for changes, or the host. */
export function diffAgentResource(olds: AgentOutputs, news: AgentInputs): DiffResult {
  const fields = diffAgentSpecs(agentSpecOf(olds), agentSpecOf(news));
  const replaces = fields.filter((f) => f.forcesReplacement).map((f) => f.field);
  if (!sameValue(olds.hostSpec, news.hostSpec)) replaces.push("hostSpec");
  if (olds.fleet !== news.fleet) replaces.push("fleet");
  const relaunch = olds.state === "MISSING" || (olds.deadServices ?? []).length > 0;
  return {
    changes: fields.length > 0 || replaces.length > 0 || relaunch,
    replaces,
    // One agent of a name per host: the old one goes (work saved) before the new.
    deleteBeforeReplace: true,
  };
}

/**
 * What the host reports. An agent gone, or now owned by something else, is gone
 * for the stack (a later apply makes it again, or reports the conflict).
 */
export async function readAgentResource(
  id: string,
  props: AgentOutputs | undefined,
): Promise<ReadResult> {
  const where = parseAgentId(id);
  if (!where) throw new FleetError("INVALID_ID", `"${id}" is not a fleet agent id (HOST/NAME)`);
  const host = props?.hostSpec ?? (await knownHost(where.host));
  const fleet = props?.fleet;
  const live = await discoverLive([host], operationContext(fleet ?? null));
  const failed = hostError(live, host);
  if (failed) throw failed;
  const agent = live.agents.find((a) => a.name === where.name && a.host === host.name);
  if (!agent || agent.fleet === null || (fleet !== undefined && agent.fleet !== fleet)) return {};
  const inputs: AgentInputs = { ...agent.spec, fleet: agent.fleet, hostSpec: host };
  return { id, props: outputsOf(inputs, agent), inputs };
}

async function knownHost(name: string): Promise<HostSpec> {
  if (name === DEFAULT_HOST.name) return DEFAULT_HOST;
  const host = (await rememberedHosts(operationContext(null).env)).find((h) => h.name === name);
  if (!host)
    throw new FleetError("HOST_NOT_FOUND", `host "${name}" is not known to fleet on this machine`);
  return host;
}

export async function deleteAgentResource(props: AgentOutputs): Promise<void> {
  const host = props.hostSpec;
  const ctx = operationContext(props.fleet);
  const spec = agentSpecOf(props);
  const change: Change = {
    address: addressOf(spec.name),
    kind: "agent",
    name: spec.name,
    host: host.name,
    provider: host.provider,
    action: "delete",
    before: spec,
    after: null,
    reasons: ["deleted from the Pulumi stack"],
    fields: [],
    dependsOn: [],
  };
  await withHostLock(host, ctx, async () => {
    try {
      const saved = await executeChange(change, {
        fleet: props.fleet,
        ctx,
        hosts: new Map([[host.name, host]]),
        secrets: new Map(),
      });
      await reportSaved(change.address, saved);
    } catch (error) {
      // Already gone (destroyed by hand, or with its host): nothing is left to save.
      if (error instanceof FleetError && GONE_CODES.has(error.code)) return;
      throw error;
    }
  });
}

const GONE_CODES: ReadonlySet<string> = new Set([
  "AGENT_NOT_FOUND",
  "HOST_NOT_FOUND",
  "HOST_MISSING",
]);
