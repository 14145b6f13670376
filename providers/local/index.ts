/**
 * The local provider: this machine, agents in tmux sessions on the user's tmux
 * server, fleet dir = FLEET_HOME. The host always exists and is never managed:
 * it cannot be created, stopped, destroyed or snapshotted. Any number of host
 * names may be local: they are all this machine (src/core/state/local-hosts.ts).
 */
import {
  PROVIDER_CONTRACT_VERSION,
  type Provider,
  type ProviderContext,
} from "../../src/core/contracts/provider.ts";
import { toFleetError } from "../../src/core/errors.ts";
import { unmanagedHostOperations } from "../../src/core/contracts/unmanaged-host.ts";
import type { LiveState } from "../../src/core/model.ts";
import { discoverLocalAgents } from "./discover.ts";
import { acquireLocalLock, tryLocalLock } from "./lock.ts";
import { LocalTransport } from "./transport.ts";
import { hostShellEnv } from "../../src/core/host/agent-env.ts";
import { prepareLocalWorkdir } from "./workdir.ts";
import { socketPath } from "../../src/core/bus/paths.ts";

export interface LocalProviderOptions {
  /** The environment tmux, git and the agents run with; process.env (read at each call) by default. */
  env?: NodeJS.ProcessEnv;
}

export function createLocalProvider(options: LocalProviderOptions = {}): Provider {
  const transportFor = (ctx: ProviderContext): LocalTransport =>
    new LocalTransport(ctx.env.home, options.env ?? process.env);

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: "local",
    capabilities: { manageHost: false, stopHost: false, snapshot: false, networkPolicy: false },

    validateHost(host) {
      const problems = Object.keys(host.config).map((key) => ({
        path: key,
        message: `unknown field "${key}": a local host takes no settings`,
      }));
      if (host.network && host.network.egress !== "open") {
        problems.push({
          path: "network",
          message: "a local host cannot enforce a network policy; use a docker host for that",
        });
      }
      if (host.resources && Object.keys(host.resources).length > 0) {
        problems.push({
          path: "resources",
          message: "a local host cannot enforce resource limits; use a docker host for that",
        });
      }
      return problems;
    },

    async discover(hosts, ctx): Promise<LiveState> {
      // Every local host is this machine: read it once, whatever names it goes by.
      const state: LiveState = {
        hosts: hosts.map((host) => ({
          name: host.name,
          provider: "local",
          fleet: null,
          state: "running",
        })),
        agents: [],
        errors: [],
      };
      if (hosts.length === 0) return state;
      try {
        const found = await discoverLocalAgents(transportFor(ctx).fleetDir, {
          prefix: ctx.env.prefix,
          env: hostShellEnv(options.env ?? process.env),
          home: ctx.env.home,
        });
        state.agents = found.agents;
        state.errors = found.errors;
      } catch (error) {
        const json = toFleetError(error).toJSON();
        state.errors = hosts.map((host) => ({ host: host.name, provider: "local", error: json }));
      }
      return state;
    },

    transport(_host, ctx) {
      return Promise.resolve(transportFor(ctx));
    },

    lock(host, ctx) {
      return acquireLocalLock(transportFor(ctx).fleetDir, { host: host.name, io: ctx.io });
    },

    tryLock(_host, ctx) {
      return tryLocalLock(transportFor(ctx).fleetDir);
    },

    prepareWorkdir(_host, spec, agentDir, ctx) {
      return prepareLocalWorkdir(transportFor(ctx), spec, agentDir);
    },

    // The bus's socket itself: agents here run on this machine.
    busSocket: (_host, ctx) => Promise.resolve(socketPath(ctx.env)),

    ...unmanagedHostOperations(
      "this machine (provider local)",
      "use a docker or ssh host for hosts fleet manages",
    ),
  };
}

const localProvider: Provider = createLocalProvider();
export default localProvider;
