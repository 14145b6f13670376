/**
 * Every host with `provider: local` is this machine under another name: one tmux
 * server, one FLEET_HOME, one lock, one agent per name. Agents keep the host name
 * they were declared or created with (`laptop`), which `list` shows; `local` is
 * the machine's own name and, in `NAME@local` or `--host local`, matches an agent
 * on this machine whatever local name it was declared on.
 */
import { DEFAULT_HOST, type HostSpec, type LiveState } from "../model.ts";
import { NAME_PATTERN } from "../names.ts";

export const LOCAL_PROVIDER = "local";

/** A spec for a local host name: a local host takes no settings, so the name is all there is. */
export const localHostSpec = (name: string): HostSpec => ({
  name,
  provider: LOCAL_PROVIDER,
  config: {},
});

/**
 * The machine a host is: hosts with the same key share one lock and one
 * discovery. Every local host is `local`; any other host is itself.
 */
export function machineKey(host: Pick<HostSpec, "name" | "provider">): string {
  return host.provider === LOCAL_PROVIDER ? DEFAULT_HOST.name : `${host.provider}/${host.name}`;
}

/** The host name a local agent record claims, or `local` when it is not a valid name. */
export function recordedLocalHost(name: unknown): string {
  return typeof name === "string" && NAME_PATTERN.test(name) ? name : DEFAULT_HOST.name;
}

/**
 * Whether an agent at `agentHost` (of `provider`) answers to the host name a user
 * gave: its own name always; `local` for every agent on this machine.
 */
export function answersToHost(
  agent: { host: string; provider: string },
  hostName: string,
): boolean {
  return (
    agent.host === hostName || (agent.provider === LOCAL_PROVIDER && hostName === DEFAULT_HOST.name)
  );
}

/**
 * The hosts by name, plus a local spec for every local host name a live agent is
 * on that the map lacks (declared by another fleet file, or made by `fleet
 * create --host`), so that agent can still be reached, stopped or destroyed.
 */
export function withLocalHostsOf(
  hosts: ReadonlyMap<string, HostSpec>,
  live: LiveState,
): Map<string, HostSpec> {
  const all = new Map(hosts);
  for (const agent of live.agents) {
    if (agent.provider === LOCAL_PROVIDER && !all.has(agent.host)) {
      all.set(agent.host, localHostSpec(agent.host));
    }
  }
  return all;
}
