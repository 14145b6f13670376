/**
 * A resolved fleet file as Pulumi resources: a Host per declared host, a
 * NetworkPolicy per host with `network`, an Agent per agent, each agent after
 * its host and policy. The inline program of `fleet apply --engine pulumi` is
 * this, and so is the root Pulumi.yaml's program; a team's own program may call
 * it too. Agents listed in `adopt` already run (made by the native engine) and
 * are imported into the stack instead of made again.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HOST, type DesiredState, type HostSpec } from "../../core/model.ts";
import { sameValue } from "../../core/plan/diff.ts";
import { Agent, Host, NetworkPolicy, dependingOn } from "./resources.ts";

export interface DeclaredFleet {
  hosts: Map<string, Host>;
  policies: Map<string, NetworkPolicy>;
  agents: Map<string, Agent>;
}

export interface DeclareOptions {
  /** Agent ids (HOST/NAME) to import, by agent name. */
  adopt?: ReadonlyMap<string, string>;
  /** Options every resource gets (a parent, a provider, protect...). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

export function hostInputsOf(host: HostSpec): Omit<HostSpec, "network"> {
  const { network: _network, ...rest } = host;
  return rest;
}

export function declareFleet(desired: DesiredState, options: DeclareOptions = {}): DeclaredFleet {
  const base = options.resourceOptions ?? {};
  const declared: DeclaredFleet = { hosts: new Map(), policies: new Map(), agents: new Map() };
  const specs = new Map<string, HostSpec>([[DEFAULT_HOST.name, DEFAULT_HOST]]);
  for (const host of desired.hosts) {
    specs.set(host.name, host);
    // The implicit local host (every fleet file has it) is this machine: nothing to declare.
    if (sameValue(host, DEFAULT_HOST)) continue;
    const resource = new Host(host.name, { fleet: desired.fleet, ...hostInputsOf(host) }, base);
    declared.hosts.set(host.name, resource);
    if (host.network !== undefined) {
      const policy = new NetworkPolicy(
        host.name,
        { fleet: desired.fleet, hostSpec: hostInputsOf(host), policy: host.network },
        dependingOn(base, [resource]),
      );
      declared.policies.set(host.name, policy);
    }
  }
  for (const agent of desired.agents) {
    const hostSpec = specs.get(agent.host) ?? { ...DEFAULT_HOST, name: agent.host };
    const after = [declared.hosts.get(agent.host), declared.policies.get(agent.host)].filter(
      (r): r is Host | NetworkPolicy => r !== undefined,
    );
    const adopt = options.adopt?.get(agent.name);
    declared.agents.set(
      agent.name,
      new Agent(
        agent.name,
        { ...agent, fleet: desired.fleet, hostSpec },
        { ...dependingOn(base, after), ...(adopt === undefined ? {} : { import: adopt }) },
      ),
    );
  }
  return declared;
}
