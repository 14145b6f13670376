/**
 * The ssh provider: any machine reachable over SSH, through the system OpenSSH
 * client with one multiplexed connection per host. The hosts exist already:
 * fleet never creates, stops, destroys or snapshots them. Agents run in tmux
 * there like everywhere else; the runtime reaches them through SshTransport.
 */
import {
  PROVIDER_CONTRACT_VERSION,
  type Provider,
  type ProviderContext,
} from "../../src/core/contracts/provider.ts";
import { toFleetError } from "../../src/core/errors.ts";
import { unmanagedHostOperations } from "../../src/core/contracts/unmanaged-host.ts";
import { discoverAgents } from "../../src/core/host/discover-agents.ts";
import { acquireHostLock, tryHostLock } from "../../src/core/host/lock.ts";
import { prepareRemoteWorkdir } from "../../src/core/host/remote-workdir.ts";
import type { HostSpec, LiveState } from "../../src/core/model.ts";
import { validateSshHost } from "./host-config.ts";
import { openTransport, withFirstUse } from "./session.ts";
import { busForward } from "./bus-forward.ts";

export interface SshProviderOptions {
  /** The environment ssh runs with (SSH_AUTH_SOCK, PATH...); process.env (read at each call) by default. */
  env?: NodeJS.ProcessEnv;
}

export function createSshProvider(options: SshProviderOptions = {}): Provider {
  const processEnv = (): NodeJS.ProcessEnv => options.env ?? process.env;
  const open = (host: HostSpec, ctx: ProviderContext) => openTransport(host, ctx.env, processEnv());

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: "ssh",
    capabilities: { manageHost: false, stopHost: false, snapshot: false, networkPolicy: false },

    validateHost: validateSshHost,

    async discover(hosts, ctx): Promise<LiveState> {
      const state: LiveState = { hosts: [], agents: [], errors: [] };
      await Promise.all(
        hosts.map(async (host) => {
          try {
            const found = await withFirstUse(host, ctx.env, processEnv(), (transport) =>
              discoverAgents(transport, {
                host: host.name,
                provider: "ssh",
                prefix: ctx.env.prefix,
                home: ctx.env.home,
              }),
            );
            state.hosts.push({ name: host.name, provider: "ssh", fleet: null, state: "running" });
            state.agents.push(...found.agents);
            state.errors.push(...found.errors);
          } catch (error) {
            state.errors.push({
              host: host.name,
              provider: "ssh",
              error: toFleetError(error).toJSON(),
            });
          }
        }),
      );
      return state;
    },

    transport: open,

    async lock(host, ctx) {
      return acquireHostLock(await open(host, ctx), { host: host.name, io: ctx.io });
    },

    async tryLock(host, ctx) {
      return tryHostLock(await open(host, ctx));
    },

    async prepareWorkdir(host, spec, agentDir, ctx) {
      return prepareRemoteWorkdir(await open(host, ctx), spec, agentDir, ctx.env);
    },

    async busSocket(host, ctx) {
      return busForward(await open(host, ctx), host.name, ctx.env, ctx.io);
    },

    ...unmanagedHostOperations(
      "an existing machine (provider ssh)",
      "fleet only runs agents on ssh hosts; manage the machine itself elsewhere",
    ),
  };
}

const sshProvider: Provider = createSshProvider();
export default sshProvider;
