/**
 * `fleet/pulumi`: fleet's agents and hosts in any Pulumi program.
 *
 *   import * as fleet from "fleet/pulumi";
 *   const box = new fleet.Host("box", { fleet: "payments", provider: "ssh", address: "dev@build-1" });
 *   new fleet.Agent("fix-tests", { host: box, agent: "claude", secrets: ["ANTHROPIC_API_KEY"] });
 *   await fleet.declareFleet("fleet.yaml"); // a whole fleet file, as `fleet apply` reads it
 *
 * The resources are served by fleet's provider plugin, `pulumi-resource-fleet`
 * (in this package's bin/: put it on PATH). Everything is resolved by fleet's
 * own loader; secrets are names, and their values never enter Pulumi's state.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FleetInput } from "../core/config/schema.ts";
import type { DesiredState } from "../core/model.ts";
import { declareFleet as declareResolvedFleet } from "../engines/pulumi/declare-fleet.ts";
import type * as engine from "../engines/pulumi/resources.ts";
import { loadFleet, type LoadOptions } from "./resolve.ts";
import { rememberDeclaredHost } from "./resources.ts";

export { Agent, Host, NetworkPolicy } from "./resources.ts";
export type { AgentArgs, DeepInput, HostArgs, NetworkPolicyArgs } from "./resources.ts";
export { loadFleet, PROGRAM_SOURCE } from "./resolve.ts";
export type { LoadOptions } from "./resolve.ts";
export { defineFleet } from "../core/config/define.ts";
export type { AgentInput, FleetInput, HostInput, TemplateInput } from "../core/config/schema.ts";
export type {
  AgentSpec,
  DesiredState,
  DurationMs,
  HostSpec,
  NetworkPolicy as NetworkPolicySpec,
  ResourceLimits,
  ServiceSpec,
  WorkdirSpec,
} from "../core/model.ts";
export {
  AGENT_TYPE,
  HOST_TYPE,
  NETWORK_POLICY_TYPE,
  PULUMI_PACKAGE,
} from "../engines/pulumi/resource-types.ts";
export type {
  AgentInputs,
  AgentOutputs,
  HostInputs,
  HostOutputs,
  NetworkPolicyInputs,
} from "../engines/pulumi/resource-types.ts";

export interface DeclareFleetOptions extends LoadOptions {
  /** Options every resource gets (a parent, a provider, protect, ...). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/** A whole fleet's resources, by fleet name. */
export interface DeclaredFleet {
  /** The fleet as fleet resolved it. */
  desired: DesiredState;
  /** A Host per declared host, except this machine's implicit `local`. */
  hosts: Map<string, engine.Host>;
  /** A NetworkPolicy per host with `network`. */
  policies: Map<string, engine.NetworkPolicy>;
  /** An Agent per agent, each declared after its host and the host's policy. */
  agents: Map<string, engine.Agent>;
}

/**
 * Declares a whole fleet: from a fleet file (its path, or a directory holding
 * fleet.yaml / fleet.ts) or a `defineFleet` value, resolved exactly as `fleet
 * apply` resolves it, into the same resources `fleet apply --engine pulumi`
 * declares. Agents of the program's own (`new Agent(...)`) may be placed on the
 * hosts it returns. Throws FleetError CONFIG_NOT_FOUND or CONFIG_INVALID.
 */
export async function declareFleet(
  from: string | FleetInput,
  options: DeclareFleetOptions = {},
): Promise<DeclaredFleet> {
  const { resourceOptions, ...load } = options;
  const desired = await loadFleet(from, load);
  const declared = declareResolvedFleet(
    desired,
    resourceOptions === undefined ? {} : { resourceOptions },
  );
  for (const spec of desired.hosts) {
    const host = declared.hosts.get(spec.name);
    if (host) rememberDeclaredHost(host, spec, desired.fleet, declared.policies.get(spec.name));
  }
  return { desired, ...declared };
}
