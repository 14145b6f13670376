/**
 * fleet:index:Host and fleet:index:NetworkPolicy. A host fleet makes (docker)
 * is created and destroyed here, its agents' work saved first; a host that
 * exists on its own (this machine, an SSH machine) is only checked and
 * remembered, and never removed. A network policy is applied to its host in
 * place, and lifted (egress open) when it goes.
 */
import type { DiffResult, ReadResult } from "@pulumi/pulumi/provider/index.js";
import { FleetError } from "../../../core/errors.ts";
import type { HostSpec, LiveState, NetworkPolicy } from "../../../core/model.ts";
import { diffHostSpecs, sameValue } from "../../../core/plan/diff.ts";
import type { Change } from "../../../core/plan/types.ts";
import { getProvider } from "../../../core/registry.ts";
import { discoverLive } from "../../../core/state/discover.ts";
import { forgetHost, rememberHosts } from "../../../core/state/known-hosts.ts";
import { executeChange } from "../../native/execute-change.ts";
import {
  hostSpecOf,
  type HostInputs,
  type HostOutputs,
  type NetworkPolicyInputs,
} from "../resource-types.ts";
import { operationContext, reportSaved, withHostLock } from "./operation-context.ts";

function hostChange(spec: HostSpec, action: "create" | "delete" | "start"): Change {
  return {
    address: `hosts.${spec.name}`,
    kind: "host",
    name: spec.name,
    host: spec.name,
    provider: spec.provider,
    action,
    before: action === "delete" ? spec : null,
    after: action === "create" ? spec : null,
    reasons: [],
    fields: [],
    dependsOn: [],
  };
}

function failure(live: LiveState, host: HostSpec): FleetError | undefined {
  const error = live.errors.find((e) => e.host === host.name && e.agent === undefined)?.error;
  return error && new FleetError(error.code, error.message, { fault: error.fault });
}

async function liveHost(spec: HostSpec, fleet: string | null) {
  const live = await discoverLive([spec], operationContext(fleet));
  return { live, host: live.hosts.find((h) => h.name === spec.name), error: failure(live, spec) };
}

export async function createHostResource(
  inputs: HostInputs,
): Promise<{ id: string; outs: HostOutputs }> {
  const spec = hostSpecOf(inputs);
  const ctx = operationContext(inputs.fleet);
  const provider = await getProvider(spec.provider);
  const state = await withHostLock(spec, ctx, async () => {
    const found = await liveHost(spec, inputs.fleet);
    if (found.error) throw found.error;
    if (
      provider.capabilities.manageHost &&
      (found.host === undefined || found.host.state === "missing")
    ) {
      await executeChange(hostChange(spec, "create"), {
        fleet: inputs.fleet,
        ctx,
        hosts: new Map([[spec.name, spec]]),
        secrets: new Map(),
      });
      return "running" as const;
    }
    // A host an idle reconcile stopped is started again, as the native plan does.
    if (provider.capabilities.manageHost && found.host?.state === "stopped") {
      await executeChange(hostChange(spec, "start"), {
        fleet: inputs.fleet,
        ctx,
        hosts: new Map([[spec.name, spec]]),
        secrets: new Map(),
      });
      return "running" as const;
    }
    return found.host?.state ?? "running";
  });
  await rememberHosts(ctx.env, [spec]);
  return { id: spec.name, outs: { ...inputs, state } };
}

export async function readHostResource(
  id: string,
  props: HostOutputs | undefined,
): Promise<ReadResult> {
  if (!props) {
    throw new FleetError(
      "IMPORT_UNSUPPORTED",
      `a fleet host (${id}) is declared, not imported: declare it in the program`,
    );
  }
  const spec = hostSpecOf(props);
  const provider = await getProvider(spec.provider);
  const found = await liveHost(spec, props.fleet);
  if (found.error) throw found.error;
  if (
    provider.capabilities.manageHost &&
    (found.host === undefined || found.host.state === "missing")
  )
    return {};
  return { id, props: { ...props, state: found.host?.state ?? "running" } };
}

export function diffHostResource(olds: HostOutputs, news: HostInputs): DiffResult {
  const fields = diffHostSpecs(hostSpecOf(olds), hostSpecOf(news));
  const replaces = [
    ...new Set(
      fields.filter((f) => f.forcesReplacement).map((f) => f.field.split(".")[0] ?? f.field),
    ),
  ];
  if (olds.fleet !== news.fleet) replaces.push("fleet");
  // A host found stopped (by an idle reconcile) is started, as the native plan does.
  const stopped = olds.state === "stopped";
  return {
    changes: replaces.length > 0 || fields.length > 0 || stopped,
    replaces,
    deleteBeforeReplace: true,
  };
}

export async function deleteHostResource(props: HostOutputs): Promise<void> {
  const spec = hostSpecOf(props);
  const ctx = operationContext(props.fleet);
  const provider = await getProvider(spec.provider);
  if (provider.capabilities.manageHost) {
    await withHostLock(spec, ctx, async () => {
      const found = await liveHost(spec, props.fleet);
      if (found.host === undefined || found.host.state === "missing") return;
      const saved = await executeChange(hostChange(spec, "delete"), {
        fleet: props.fleet,
        ctx,
        hosts: new Map([[spec.name, spec]]),
        secrets: new Map(),
      });
      await reportSaved(`hosts.${spec.name}`, saved);
    });
  }
  await forgetHost(ctx.env, spec.name);
}

export async function applyNetworkResource(
  inputs: NetworkPolicyInputs,
): Promise<NetworkPolicyInputs> {
  await setPolicy(inputs, inputs.policy);
  return inputs;
}

export async function deleteNetworkResource(props: NetworkPolicyInputs): Promise<void> {
  try {
    await setPolicy(props, { egress: "open" });
  } catch (error) {
    // Its host is gone, and the rules with it.
    if (
      error instanceof FleetError &&
      (error.code === "HOST_MISSING" || error.code === "HOST_NOT_FOUND")
    )
      return;
    throw error;
  }
}

async function setPolicy(inputs: NetworkPolicyInputs, policy: NetworkPolicy): Promise<void> {
  const host: HostSpec = { ...inputs.hostSpec, network: policy };
  const ctx = operationContext(inputs.fleet);
  await withHostLock(host, ctx, async () => {
    await (await getProvider(host.provider)).applyNetworkPolicy(host, policy, ctx);
  });
}

export function diffNetworkResource(
  olds: NetworkPolicyInputs,
  news: NetworkPolicyInputs,
): DiffResult {
  const replaces = sameValue(olds.hostSpec, news.hostSpec) ? [] : ["hostSpec"];
  return { changes: replaces.length > 0 || !sameValue(olds.policy, news.policy), replaces };
}
