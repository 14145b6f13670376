/**
 * Bringing back an agent whose host reconcile stopped too: a stopped Docker
 * container keeps its filesystem, so starting it again, then the agent, is all
 * it takes. The host's other agents stay stopped (their records say so).
 */
import type { HostHandle } from "../host/handle.ts";
import { startAgent } from "../host/lifecycle.ts";
import type { LiveAgent } from "../model.ts";
import { resolveSecrets } from "../secrets.ts";
import { recordHostEvent } from "../events/journal.ts";

/**
 * Starts the host when its provider can stop hosts and it is stopped now.
 * Resolves true when it started it. Costs nothing for hosts that cannot be
 * stopped (local, SSH), and one look at the provider otherwise. Call it under
 * the host's lock (a docker host's lock is on this machine, so it can be taken
 * while the container is stopped), so a reconcile cannot stop it again before
 * the agent is up.
 */
export async function startHostIfStopped(handle: HostHandle): Promise<boolean> {
  const { provider, host, ctx } = handle;
  if (!provider.capabilities.stopHost) return false;
  const live = await provider.discover([host], ctx);
  const state = live.hosts.find((h) => h.name === host.name)?.state;
  if (state !== "stopped") return false;
  ctx.io.notify({
    level: "info",
    code: "host.start",
    message: `starting host ${host.name} (stopped) first...`,
    data: { host: host.name },
  });
  await provider.startHost(host, ctx);
  await recordHostEvent(ctx.env, "host-started", host, "an agent on it was started");
  return true;
}

/**
 * Brings a stopped agent back: its host first when that was stopped too, then
 * the agent, with its secrets read from `env` again (they are never stored).
 * Call it under the host's lock.
 */
export async function wakeAgent(
  handle: HostHandle,
  agent: LiveAgent,
  env: NodeJS.ProcessEnv,
): Promise<LiveAgent> {
  const secrets = resolveSecrets(agent.spec.secrets, env);
  await startHostIfStopped(handle);
  return startAgent(handle, agent.name, { secrets });
}
