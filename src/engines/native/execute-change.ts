/**
 * One plan change, carried out against its provider. Apply is the only place
 * with side effects; each action maps to provider and agent-runtime calls.
 */
import { FleetError } from "../../core/errors.ts";
import type { ProviderContext } from "../../core/contracts/provider.ts";
import {
  createAgent,
  destroyAgent,
  restartServices,
  startAgent,
  stopAgent,
  updateAgent,
  type HostHandle,
  type SavedWork,
} from "../../core/host/index.ts";
import type { AgentSpec, HostSpec } from "../../core/model.ts";
import type { Change } from "../../core/plan/types.ts";
import { startHostIfStopped } from "../../core/idle/wake-host.ts";
import { getProvider } from "../../core/registry.ts";
import { recordHostEvent, type HostEventType } from "../../core/events/journal.ts";

export interface ChangeContext {
  /** The fleet that will own what is created. */
  fleet: string;
  ctx: ProviderContext;
  hosts: ReadonlyMap<string, HostSpec>;
  secrets: ReadonlyMap<string, Record<string, string>>;
}

async function handleFor(hostName: string, context: ChangeContext): Promise<HostHandle> {
  const host = context.hosts.get(hostName);
  if (!host) {
    throw new FleetError("HOST_NOT_FOUND", `host "${hostName}" is not known to this apply`, {
      fault: "system",
    });
  }
  return { provider: await getProvider(host.provider), host, ctx: context.ctx };
}

export async function executeChange(change: Change, context: ChangeContext): Promise<SavedWork[]> {
  return change.kind === "agent"
    ? executeAgentChange(change, context)
    : executeHostChange(change, context);
}

async function executeAgentChange(change: Change, context: ChangeContext): Promise<SavedWork[]> {
  const before = change.before as AgentSpec | null;
  const after = change.after as AgentSpec | null;
  const secretsOf = (name: string): Record<string, string> => context.secrets.get(name) ?? {};
  const fleet = context.fleet;
  switch (change.action) {
    case "create": {
      if (!after) break;
      await createAgent(await handleFor(after.host, context), after, {
        fleet,
        secrets: secretsOf(after.name),
      });
      return [];
    }
    case "update": {
      if (!after) break;
      const handle = await handleFor(after.host, context);
      if (change.fields.length > 0) await onRunningHost(handle, () => updateAgent(handle, after));
      const restarts = (change.restarts ?? []).map((restart) => restart.service);
      if (restarts.length > 0) await restartServices(handle, after.name, restarts);
      return [];
    }
    case "replace": {
      if (!before || !after) break;
      const saved = await destroyIfThere(await handleFor(before.host, context), before.name);
      await createAgent(await handleFor(after.host, context), after, {
        fleet,
        secrets: secretsOf(after.name),
      });
      return saved;
    }
    case "delete": {
      if (!before) break;
      const handle = await handleFor(before.host, context);
      const { saved } = await onRunningHost(handle, () => destroyAgent(handle, before.name));
      return saved;
    }
    case "start": {
      const spec = after ?? before;
      if (spec)
        await startAgent(await handleFor(spec.host, context), spec.name, {
          secrets: secretsOf(spec.name),
        });
      return [];
    }
    case "stop": {
      const spec = before ?? after;
      if (spec) {
        await stopAgent(await handleFor(spec.host, context), spec.name, {
          reason: change.reasons.join("; ") || "stopped by apply",
        });
      }
      return [];
    }
    case "noop":
      return [];
  }
  throw new FleetError(
    "PLAN_INVALID",
    `change ${change.address} (${change.action}) lacks its spec`,
    {
      fault: "system",
    },
  );
}

/**
 * An agent replaced after its host was replaced is already gone with the old
 * host (its work saved then): there is nothing left to destroy.
 */
async function destroyIfThere(handle: HostHandle, name: string): Promise<SavedWork[]> {
  try {
    return (await onRunningHost(handle, () => destroyAgent(handle, name))).saved;
  } catch (error) {
    if (error instanceof FleetError && error.code === "AGENT_NOT_FOUND") return [];
    throw error;
  }
}

/**
 * Work on an agent whose host a reconcile stopped (docker): the plan leaves the
 * host stopped, but the agent's files are only reachable while it runs, so it is
 * started first (under apply's lock on it) and the work retried once.
 */
async function onRunningHost<T>(handle: HostHandle, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof FleetError && error.code === "HOST_STOPPED")) throw error;
    if (!(await startHostIfStopped(handle))) throw error;
    return work();
  }
}

/**
 * Before a host goes, each agent on it is destroyed the runtime's way, which
 * saves its work (reported in the apply's outcome). A stopped host is left to the
 * provider's destroyHost, which starts it to save the work and reports through ctx.io.
 */
async function saveAgentsOn(handle: HostHandle): Promise<SavedWork[]> {
  const { provider, host, ctx } = handle;
  const live = await provider.discover([host], ctx);
  const failed = live.errors.find((e) => e.host === host.name && e.agent === undefined);
  if (failed) {
    throw new FleetError(failed.error.code, failed.error.message, {
      fault: failed.error.fault,
      ...(failed.error.hint === undefined ? {} : { hint: failed.error.hint }),
    });
  }
  if (live.hosts.find((h) => h.name === host.name)?.state !== "running") return [];
  const saved: SavedWork[] = [];
  // Agents whose record cannot be trusted are saved too, from their own dirs.
  const names = [
    ...live.agents.filter((a) => a.host === host.name).map((a) => a.name),
    ...live.errors.flatMap((e) => (e.host === host.name && e.agent !== undefined ? [e.agent] : [])),
  ];
  for (const name of names) saved.push(...(await destroyAgent(handle, name)).saved);
  return saved;
}

async function executeHostChange(change: Change, context: ChangeContext): Promise<SavedWork[]> {
  const named = await handleFor(change.name, context);
  // What a host change makes is labelled with its owner.
  const ctx = { ...named.ctx, fleet: context.fleet };
  const handle: HostHandle = { ...named, ctx };
  const { provider, host } = handle;
  const after = change.after as HostSpec | null;
  const note = (type: HostEventType) =>
    recordHostEvent(ctx.env, type, host, change.reasons.join("; ") || undefined);
  switch (change.action) {
    case "create":
      await provider.createHost(after ?? host, ctx);
      await note("host-created");
      return [];
    case "replace": {
      const saved = await saveAgentsOn(handle);
      await provider.destroyHost(host, ctx);
      await note("host-destroyed");
      await provider.createHost(after ?? host, ctx);
      await note("host-created");
      return saved;
    }
    case "update":
      // A removed `network` is a return to open: rules must come off too.
      if (after) await provider.applyNetworkPolicy(after, after.network ?? { egress: "open" }, ctx);
      return [];
    case "delete": {
      const saved = await saveAgentsOn(handle);
      await provider.destroyHost(host, ctx);
      await note("host-destroyed");
      return saved;
    }
    case "start":
      await provider.startHost(host, ctx);
      await note("host-started");
      return [];
    case "stop":
      await provider.stopHost(host, ctx);
      await note("host-stopped");
      return [];
    case "noop":
      return [];
  }
}
