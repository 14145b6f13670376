/**
 * The docker provider: each host is one container `<prefix><host>` on the local
 * Docker engine (the Engine API over its unix socket; DOCKER_HOST=unix://...
 * honoured), with several agents in their own tmux sessions inside it. See
 * docs/docker.md for fields, isolation, network policies and lifecycle.
 */
import {
  PROVIDER_CONTRACT_VERSION,
  type Provider,
  type ProviderContext,
} from "../../src/core/contracts/provider.ts";
import { shellQuote } from "../../src/core/contracts/transport.ts";
import type { HostSpec, LiveState, NetworkPolicy } from "../../src/core/model.ts";
import { discoverDocker, engineError } from "./discover.ts";
import { engineFor } from "./engine.ts";
import type { EngineClient } from "./engine-client.ts";
import { validateDockerHost } from "./host-config.ts";
import type { HostOps } from "./lifecycle.ts";
import { lockDockerHost, tryLockDockerHost } from "./lock.ts";
import { HELD_CODE, heldError } from "./gate.ts";
import { runOnChannel, speaksChannel } from "./host-channel.ts";
import { containerName, FLEET_DIR } from "./names.ts";
import { assertRulesHold } from "./network-policy.ts";
import { isEngineNotFound } from "./engine-errors.ts";
import { readTar } from "./tar.ts";
import { DockerTransport } from "./transport.ts";
import { CONTAINER_SOCKET_DIR, SOCKET_NAME } from "../../src/core/bus/paths.ts";
import { hasBusMount } from "./container-spec.ts";

export interface DockerProviderOptions {
  /** Where DOCKER_HOST is read; process.env (at each call) by default. */
  env?: NodeJS.ProcessEnv;
}

export function createDockerProvider(options: DockerProviderOptions = {}): Provider {
  const client = (): EngineClient => engineFor(options.env ?? process.env);
  const ops = (ctx: ProviderContext): HostOps => ({ client: client(), provider, ctx });
  // Loaded on first use: listing agents needs none of it.
  const lifecycle = () => import("./lifecycle.ts");
  const transportFor = (host: HostSpec, ctx: ProviderContext): DockerTransport =>
    new DockerTransport(client(), containerName(ctx.env.prefix, host.name), host.name);
  /** The transport, once it is sure nothing will run before the host's network rules. */
  const guardedTransport = async (host: HostSpec, ctx: ProviderContext) => {
    const transport = transportFor(host, ctx);
    try {
      assertRulesHold(ctx.env, await client().inspectContainer(transport.container), host.name);
    } catch (error) {
      // A missing container is reported by the command that needs it.
      if (!isEngineNotFound(error)) throw error;
    }
    return transport;
  };

  const provider: Provider = {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: "docker",
    capabilities: { manageHost: true, stopHost: true, snapshot: true, networkPolicy: true },

    validateHost: validateDockerHost,

    async discover(hosts, ctx): Promise<LiveState> {
      try {
        return await discoverDocker(client(), hosts, ctx.env);
      } catch (error) {
        // An unusable DOCKER_HOST, say: every docker host gets the error.
        const json = engineError(error);
        return {
          hosts: [],
          agents: [],
          errors: hosts.map((host) => ({ host: host.name, provider: "docker", error: json })),
        };
      }
    },

    transport: guardedTransport,

    lock: lockDockerHost,
    tryLock: tryLockDockerHost,

    // The bus's run/ directory is mounted into every container fleet makes;
    // a container made before the bus existed has no such mount, and no bus.
    async busSocket(host, ctx) {
      try {
        const info = await client().inspectContainer(containerName(ctx.env.prefix, host.name));
        return hasBusMount(info) ? `${CONTAINER_SOCKET_DIR}/${SOCKET_NAME}` : undefined;
      } catch {
        return undefined;
      }
    },

    // The archive endpoint reads a stopped container's files without starting it.
    async readStoppedFile(host, fleetPath, ctx) {
      const container = containerName(ctx.env.prefix, host.name);
      try {
        const archive = await client().getArchive(container, `${FLEET_DIR}/${fleetPath}`);
        return readTar(archive).find((entry) => entry.type === "0")?.data;
      } catch (error) {
        if (isEngineNotFound(error)) return undefined;
        throw error;
      }
    },

    async prepareWorkdir(host, spec, agentDir, ctx) {
      // An empty work dir is one idempotent mkdir: through the keep-alive it costs
      // no runc exec (~45 ms of CPU), a third of creating a command agent.
      if (!spec.workdir) {
        const work = `${agentDir}/work`;
        const name = containerName(ctx.env.prefix, host.name);
        const labels = (await client().inspectContainer(name)).Config.Labels ?? {};
        const made = speaksChannel(labels)
          ? await runOnChannel(client(), name, `umask 077; mkdir -p ${shellQuote(work)}`)
          : undefined;
        if (made?.code === 0) return work;
        if (made?.code === HELD_CODE) throw heldError(host.name, name);
      }
      const { prepareRemoteWorkdir } = await import("../../src/core/host/remote-workdir.ts");
      return prepareRemoteWorkdir(await guardedTransport(host, ctx), spec, agentDir, ctx.env);
    },

    createHost: async (host, ctx) => (await lifecycle()).createHost(ops(ctx), host),
    startHost: async (host, ctx) => {
      await (await lifecycle()).startHost(ops(ctx), host);
    },
    stopHost: async (host, ctx) => (await lifecycle()).stopHost(ops(ctx), host),
    destroyHost: async (host, ctx) => {
      await (await lifecycle()).destroyHost(ops(ctx), host);
    },
    applyNetworkPolicy: async (host, policy, ctx) =>
      (await lifecycle()).updateNetwork(ops(ctx), withPolicy(host, policy)),
    snapshot: async (host, ctx) => (await lifecycle()).snapshotHost(ops(ctx), host),
    findGarbage: async (options, ctx) =>
      (await import("./image-garbage.ts")).findImageGarbage(client(), options, ctx),
  };
  return provider;
}

/** The host with the policy to apply as its `network` (open stays unset when it was). */
function withPolicy(host: HostSpec, policy: NetworkPolicy): HostSpec {
  if (policy.egress === "open" && host.network === undefined) return host;
  return { ...host, network: policy };
}

const dockerProvider: Provider = createDockerProvider();
export default dockerProvider;
