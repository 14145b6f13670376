/**
 * A docker host's life: made from a checked image (nothing is created when the
 * image is wrong), started with its network policy applied again (a new network
 * namespace has no rules), stopped with its filesystem kept, destroyed only after
 * every agent's work is saved, committed to an image as a snapshot.
 */
import type { ProviderContext } from "../../src/core/contracts/provider.ts";
import { FleetError, toFleetError } from "../../src/core/errors.ts";
import { destroyAgent, startAgent, type SavedWork } from "../../src/core/host/index.ts";
import type { Provider } from "../../src/core/contracts/provider.ts";
import type { HostSpec, LiveAgent } from "../../src/core/model.ts";
import { resolveSecrets } from "../../src/core/secrets.ts";
import { specHash } from "../../src/core/spec-hash.ts";
import { containerBody, needsGate } from "./container-spec.ts";
import type { ContainerInspect, EngineClient } from "./engine-client.ts";
import { EngineErrorCode, isEngineNotFound } from "./engine-errors.ts";
import { prepareImage } from "./image.ts";
import { ownerOf, probeAgents } from "./discover.ts";
import { containerName, LABELS, owningFleet, snapshotReference } from "./names.ts";
import { applyPolicy, forgetPolicy, isGated, readRemembered } from "./network-policy.ts";
import { readySocketDir as readyBusDir } from "../../src/core/bus/paths.ts";

export interface HostOps {
  client: EngineClient;
  provider: Provider;
  ctx: ProviderContext;
}

const nameOf = (ops: HostOps, host: HostSpec): string =>
  containerName(ops.ctx.env.prefix, host.name);

async function inspect(ops: HostOps, host: HostSpec): Promise<ContainerInspect | undefined> {
  try {
    return await ops.client.inspectContainer(nameOf(ops, host));
  } catch (error) {
    if (isEngineNotFound(error)) return undefined;
    throw error;
  }
}

async function requireContainer(ops: HostOps, host: HostSpec): Promise<ContainerInspect> {
  const info = await inspect(ops, host);
  if (info === undefined) {
    throw new FleetError(
      "HOST_MISSING",
      `host ${host.name} has no container (${nameOf(ops, host)} does not exist)`,
      { hint: "`fleet apply` creates it again" },
    );
  }
  return info;
}

/**
 * Makes and starts the container. Idempotent: a container already made from the
 * same spec for the same fleet is started; any other container of that name is
 * a conflict. If anything fails after the container exists, it is removed.
 */
export async function createHost(ops: HostOps, host: HostSpec): Promise<void> {
  const { client, ctx } = ops;
  const name = nameOf(ops, host);
  const fleet = owningFleet(ctx);
  const image = await prepareImage(client, host, { container: name, env: ctx.env });
  let id: string;
  try {
    id = await client.createContainer(
      name,
      containerBody(host, { image: image.id, fleet, busDir: await readyBusDir(ctx.env) }),
    );
  } catch (error) {
    if (!(error instanceof FleetError && error.code === EngineErrorCode.conflict)) throw error;
    await reuseExisting(ops, host, fleet);
    return;
  }
  try {
    await client.startContainer(id);
    // A new container on the default network needs nothing more for `open`.
    if (host.network !== undefined && host.network.egress !== "open") {
      const info = await client.inspectContainer(id);
      const outcome = await applyPolicy(client, ctx.env, info, host.network, { fresh: true });
      if (outcome !== "applied") throw new Error("unreachable: a new container has its network");
    }
  } catch (error) {
    await client.removeContainer(id, { force: true }).catch(() => undefined);
    await forgetPolicy(ctx.env, id).catch(() => undefined);
    throw error;
  }
}

/** The name is taken: by this very host (an earlier, interrupted create), or by something else. */
async function reuseExisting(ops: HostOps, host: HostSpec, fleet: string | null): Promise<void> {
  const name = nameOf(ops, host);
  const existing = await requireContainer(ops, host);
  const labels = existing.Config.Labels ?? {};
  if (
    labels[LABELS.specHash] === specHash(host) &&
    (labels[LABELS.fleet] ?? "") === (fleet ?? "")
  ) {
    await startHost(ops, host);
    return;
  }
  throw new FleetError(
    "HOST_EXISTS",
    `a container named ${name} already exists and was not made from this spec of host ${host.name}`,
    { hint: `remove it (\`docker rm -f ${name}\`) or destroy that host first` },
  );
}

/**
 * Starts the container, applies the host's network policy (rules died with the
 * old namespace), and starts again the agents that were running when it stopped
 * (their records still say running); agents stopped on purpose stay stopped.
 */
export async function startHost(ops: HostOps, host: HostSpec): Promise<LiveAgent[]> {
  const { client, ctx } = ops;
  const info = await requireContainer(ops, host);
  // Started without the gate, its own files would run before the rules: made again instead.
  if (!info.State.Running && needsGate(host) && !isGated(info)) {
    await recreate(ops, host, info);
    return resumeAgents(ops, host);
  }
  if (!info.State.Running) await client.startContainer(info.Id);
  const started = await client.inspectContainer(info.Id);
  // Just started: a new network namespace, with no rules to undo.
  const outcome = await applyPolicy(client, ctx.env, started, host.network, {
    fresh: !info.State.Running,
  });
  if (outcome !== "applied") await recreate(ops, host, started);
  return resumeAgents(ops, host);
}

async function resumeAgents(ops: HostOps, host: HostSpec): Promise<LiveAgent[]> {
  const { client, ctx } = ops;
  const name = nameOf(ops, host);
  const labels = (await client.inspectContainer(name)).Config.Labels ?? {};
  const { agents } = await probeAgents(client, ctx.env, host.name, name, labels);
  const resumed: LiveAgent[] = [];
  for (const agent of agents.filter((a) => a.state === "MISSING")) {
    try {
      const secrets = resolveSecrets(agent.spec.secrets, process.env);
      resumed.push(
        await startAgent({ provider: ops.provider, host, ctx }, agent.name, { secrets }),
      );
    } catch (error) {
      ctx.io.notify({
        level: "warn",
        code: "host.agent.not-resumed",
        message: `host ${host.name}: agent ${agent.name} was not started again: ${toFleetError(error).message}`,
        data: { host: host.name, agent: agent.name },
      });
    }
  }
  return resumed;
}

/**
 * Stops the container; its filesystem stays. The records copy is refreshed first
 * so discovery can list the agents while it is stopped. Agents keep their
 * records: those that were running come back with startHost.
 */
export async function stopHost(ops: HostOps, host: HostSpec): Promise<void> {
  const { client, ctx } = ops;
  const info = await requireContainer(ops, host);
  if (!info.State.Running) return;
  const labels = info.Config.Labels ?? {};
  // A held host runs nothing to probe: its records copy is as its last probe left it.
  if (!heldNow(ops, info)) {
    await probeAgents(client, ctx.env, host.name, info.Id, labels, { forceCopy: true });
  }
  await client.stopContainer(info.Id);
  await forgetPolicy(ctx.env, info.Id);
}

/**
 * Saves every agent's work (through the runtime's destroyAgent: uncommitted
 * changes committed, unpushed commits bundled to FLEET_HOME/saved), then removes
 * the container. A stopped container is started for the saving. Idempotent.
 */
export async function destroyHost(ops: HostOps, host: HostSpec): Promise<SavedWork[]> {
  const { client, ctx } = ops;
  const info = await inspect(ops, host);
  if (info === undefined) return [];
  if (!info.State.Running) await client.startContainer(info.Id);
  const running = await client.inspectContainer(info.Id);
  // Saving the work needs no network: a held host is cut off, then let start.
  if (heldNow(ops, running)) {
    await applyPolicy(client, ctx.env, running, { egress: "offline" });
  }
  const saved = await saveAgents(ops, host);
  await client.removeContainer(info.Id, { force: true });
  await forgetPolicy(ctx.env, info.Id);
  // An image fleet committed only to re-create this container goes with it.
  const image = await client.inspectImage(info.Image);
  const intermediate = image?.Config?.Labels?.[LABELS.intermediate];
  if (intermediate !== undefined && intermediate !== "") {
    await client.removeImage(info.Image).catch(() => undefined);
  }
  return saved;
}

/** A gated container running without rules this machine installed since it started. */
const heldNow = (ops: HostOps, info: ContainerInspect): boolean =>
  isGated(info) &&
  info.State.Running &&
  readRemembered(ops.ctx.env, info.Id)?.startedAt !== info.State.StartedAt;

/** destroyAgent for each agent on the host; reports what was saved through ctx.io. */
export async function saveAgents(ops: HostOps, host: HostSpec): Promise<SavedWork[]> {
  const { client, ctx } = ops;
  const name = nameOf(ops, host);
  const labels = (await client.inspectContainer(name)).Config.Labels ?? {};
  const found = await probeAgents(client, ctx.env, host.name, name, labels);
  // Agents whose record cannot be trusted are saved too, from their own dirs.
  const names = [...found.agents.map((a) => a.name), ...found.errors.flatMap((e) => e.agent ?? [])];
  const saved: SavedWork[] = [];
  for (const agentName of names) {
    const agent = { name: agentName };
    const result = await destroyAgent({ provider: ops.provider, host, ctx }, agent.name);
    for (const work of result.saved) {
      // Information, not a warning: nothing was lost, and this says where it went.
      ctx.io.notify({
        level: "info",
        code: "host.work.saved",
        message: `host ${host.name}: saved the work of agent ${agent.name} (${work.kind}) at ${work.location}: ${work.description}`,
        data: { host: host.name, agent: agent.name, ...work },
      });
    }
    saved.push(...result.saved);
  }
  return saved;
}

/** Commits the container to `fleet-snapshot/<host>:<utc time>`; returns that reference. */
export async function snapshotHost(ops: HostOps, host: HostSpec): Promise<string> {
  const { client, ctx } = ops;
  const info = await requireContainer(ops, host);
  const { repo, tag: stamp } = snapshotReference(host.name, new Date());
  // Two snapshots in one second must not take each other's tag.
  let tag = stamp;
  for (let n = 2; (await client.inspectImage(`${repo}:${tag}`)) !== null; n++)
    tag = `${stamp}-${n}`;
  const id = await client.commitContainer(info.Id, repo, tag, {
    comment: `fleet snapshot of host ${host.name}`,
    // A snapshot is the user's to keep, whatever the container was made from.
    changes: [
      `LABEL ${LABELS.snapshotOf}=${host.name} ${LABELS.intermediate}="" ${LABELS.controller}=${JSON.stringify(ctx.env.prefix)}`,
    ],
  });
  const reference = `${repo}:${tag}`;
  ctx.io.notify({
    level: "info",
    code: "host.snapshot",
    message: `host ${host.name}: committed to ${reference} (${id})`,
    data: { host: host.name, id, reference },
  });
  return reference;
}

/** Applies a changed network policy to a host in place (re-created when it must be). */
export async function updateNetwork(ops: HostOps, host: HostSpec): Promise<void> {
  const info = await requireContainer(ops, host);
  const outcome = await applyPolicy(ops.client, ops.ctx.env, info, host.network);
  if (outcome !== "applied") {
    await recreate(ops, host, info);
    if (info.State.Running) await resumeAgents(ops, host);
  }
}

/**
 * A container made without a network cannot join one: it is committed to an
 * image and made again from it with the new policy, same name and labels, so its
 * files (agents, work dirs, caches) are all kept. Its processes restart.
 */
async function recreate(ops: HostOps, host: HostSpec, info: ContainerInspect): Promise<void> {
  const { client, ctx } = ops;
  const name = nameOf(ops, host);
  const labels = info.Config.Labels ?? {};
  ctx.io.notify({
    level: "info",
    code: "host.recreate",
    message: `host ${host.name}: re-creating its container (files kept) ${isGated(info) || !needsGate(host) ? "to give it a network" : "to start it behind the network gate"}`,
    data: { host: host.name },
  });
  const { repo, tag } = snapshotReference(host.name, new Date());
  const imageId = await client.commitContainer(info.Id, repo, `${tag}-network`, {
    comment: `fleet: host ${host.name} before a network change`,
    changes: [
      `LABEL ${LABELS.intermediate}=${host.name} ${LABELS.controller}=${JSON.stringify(ctx.env.prefix)}`,
    ],
  });
  await client.removeContainer(info.Id, { force: true });
  await forgetPolicy(ctx.env, info.Id);
  const body = containerBody(host, {
    image: imageId,
    fleet: ownerOf(labels),
    busDir: await readyBusDir(ctx.env),
  });
  // The spec label stays what the host was made from; the policy is tracked by network-policy.ts.
  body.Labels = {
    ...body.Labels,
    [LABELS.spec]: labels[LABELS.spec] ?? "",
    [LABELS.specHash]: labels[LABELS.specHash] ?? "",
  };
  const id = await client.createContainer(name, body);
  // The image only has to outlive the container's creation: untag it, its layers stay in use.
  await client.removeImage(`${repo}:${tag}-network`, { force: true }).catch(() => undefined);
  await client.startContainer(id);
  await applyPolicy(client, ctx.env, await client.inspectContainer(id), host.network, {
    fresh: true,
  });
}
