/** The helpers fleet hands plugin loaders (the PluginSdk of contracts/plugin.ts). */
import { join } from "node:path";
import { AGENT_TYPE_CONTRACT_VERSION } from "../contracts/agent-type.ts";
import { PLUGIN_CONTRACT_VERSION, type PluginSdk } from "../contracts/plugin.ts";
import { PROVIDER_CONTRACT_VERSION, type ProviderContext } from "../contracts/provider.ts";
import { shellJoin, shellQuote } from "../contracts/transport.ts";
import { unmanagedHostOperations } from "../contracts/unmanaged-host.ts";
import { FleetError } from "../errors.ts";
import { acquireLock, flockArgs, holdLock } from "../flock-holder.ts";
import { discoverAgents } from "../host/discover-agents.ts";
import { acquireHostLock } from "../host/lock.ts";
import { prepareRemoteWorkdir } from "../host/remote-workdir.ts";
import { mkdirPrivate, touchPrivateFileSync } from "../private-files.ts";
import { runProcess } from "../run-process.ts";
import { specHash } from "../spec-hash.ts";

const LOCK_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

async function controllerLockHolder(key: string, ctx: ProviderContext) {
  if (!LOCK_KEY.test(key) || key.includes("..")) {
    throw new FleetError("INVALID_LOCK_KEY", `a plugin asked for the lock "${key}"`, {
      hint: "lock keys are letters, digits, . _ - (at most 128)",
      fault: "system",
    });
  }
  const dir = join(ctx.env.home, "locks");
  const file = join(dir, `plugin-${key}.lock`);
  await mkdirPrivate(dir);
  touchPrivateFileSync(file);
  return (nonBlocking: boolean) =>
    holdLock({ command: "flock", args: flockArgs(file, nonBlocking) }, `the lock ${file}`);
}

export const pluginSdk: PluginSdk = {
  contracts: {
    plugin: PLUGIN_CONTRACT_VERSION,
    provider: PROVIDER_CONTRACT_VERSION,
    agentType: AGENT_TYPE_CONTRACT_VERSION,
  },
  error: (code, message, options) => new FleetError(code, message, options),
  shellQuote,
  shellJoin,
  specHash,
  run: runProcess,
  discoverAgents,
  prepareWorkdir: prepareRemoteWorkdir,
  async controllerLock(key, ctx) {
    const hold = await controllerLockHolder(key, ctx);
    return acquireLock(hold, { io: ctx.io, host: key });
  },
  async tryControllerLock(key, ctx) {
    return (await controllerLockHolder(key, ctx))(true);
  },
  hostLock: acquireHostLock,
  unmanagedHostOperations,
};
