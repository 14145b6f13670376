/**
 * fleet's resources as Pulumi classes: what the inline program of
 * `fleet apply --engine pulumi` declares, and what a team's own Pulumi program
 * declares through `fleet/pulumi`. They are served by `pulumi-resource-fleet`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgentSpec, HostSpec, NetworkPolicy as NetworkPolicySpec } from "../../core/model.ts";
import { AGENT_TYPE, HOST_TYPE, NETWORK_POLICY_TYPE } from "./resource-types.ts";

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Outputs every fleet resource reports besides its inputs. */
const LIVE_OUTPUTS = { state: undefined, specHash: undefined };

export type HostArgs = Inputs<Omit<HostSpec, "network">> & { fleet: pulumi.Input<string> };

export class Host extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly provider: pulumi.Output<string>;
  /** running, stopped or missing, at the last apply or refresh. */
  declare readonly state: pulumi.Output<string>;

  constructor(name: string, args: HostArgs, opts?: pulumi.CustomResourceOptions) {
    super(HOST_TYPE, name, { ...args, state: undefined }, opts);
  }
}

export class NetworkPolicy extends pulumi.CustomResource {
  declare readonly policy: pulumi.Output<NetworkPolicySpec>;

  constructor(
    name: string,
    args: {
      fleet: pulumi.Input<string>;
      hostSpec: pulumi.Input<Omit<HostSpec, "network">>;
      policy: pulumi.Input<NetworkPolicySpec>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(NETWORK_POLICY_TYPE, name, { ...args }, opts);
  }
}

export type AgentArgs = Inputs<AgentSpec> & {
  fleet: pulumi.Input<string>;
  hostSpec: pulumi.Input<HostSpec>;
};

export class Agent extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly host: pulumi.Output<string>;
  /** RUNNING, WAITING, STOPPED, DONE or MISSING, at the last apply or refresh. */
  declare readonly state: pulumi.Output<string>;
  declare readonly specHash: pulumi.Output<string>;

  constructor(name: string, args: AgentArgs, opts?: pulumi.CustomResourceOptions) {
    super(AGENT_TYPE, name, { ...args, ...LIVE_OUTPUTS }, opts);
  }
}

/** `opts` with `first` ahead of whatever dependsOn it already has. */
export function dependingOn(
  opts: pulumi.CustomResourceOptions,
  first: pulumi.Resource[],
): pulumi.CustomResourceOptions {
  const given = opts.dependsOn;
  if (first.length === 0) return opts;
  if (given === undefined) return { ...opts, dependsOn: first };
  if (Array.isArray(given)) return { ...opts, dependsOn: [...first, ...given] };
  if (pulumi.Resource.isInstance(given)) return { ...opts, dependsOn: [...first, given] };
  const later = pulumi
    .output(given as pulumi.Input<pulumi.Resource | pulumi.Resource[]>)
    .apply((resolved) => [...first, ...(Array.isArray(resolved) ? resolved : [resolved])]);
  return { ...opts, dependsOn: later };
}
