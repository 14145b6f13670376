/**
 * The resources of fleet's Pulumi provider (`pulumi-resource-fleet`): what a
 * program declares and what the provider keeps in state. Inputs are fleet's own
 * resolved specs, flattened so that each spec field is a top-level property
 * (Pulumi reports and replaces by property). Secrets travel as names only: the
 * provider reads their values from its own environment, so no value is ever in
 * Pulumi state.
 */
import type {
  AgentSpec,
  AgentState,
  HostSpec,
  HostState,
  NetworkPolicy,
} from "../../core/model.ts";

export const PULUMI_PACKAGE = "fleet";
export const HOST_TYPE = "fleet:index:Host";
export const AGENT_TYPE = "fleet:index:Agent";
export const NETWORK_POLICY_TYPE = "fleet:index:NetworkPolicy";

/** The project every fleet stack lives in; config keys are `fleet:KEY`. */
export const PULUMI_PROJECT = "fleet";

/** A host as declared: its spec without `network` (a NetworkPolicy of its own). */
export type HostInputs = Omit<HostSpec, "network"> & {
  /** The fleet that owns what the host makes. */
  fleet: string;
};

export type HostOutputs = HostInputs & { state: HostState };

export type AgentInputs = AgentSpec & {
  fleet: string;
  /** The host the agent runs on, whole: a change to it replaces the agent. */
  hostSpec: HostSpec;
};

export type AgentOutputs = AgentInputs & {
  /** The live state at the last create, update or refresh. */
  state: AgentState;
  specHash: string;
  /** Services found dead (exited or their window closed), which an update brings back. */
  deadServices: string[];
};

export interface NetworkPolicyInputs {
  fleet: string;
  hostSpec: Omit<HostSpec, "network">;
  policy: NetworkPolicy;
}

/** An agent's id: `HOST/NAME`, which names it on the controller's side too. */
export const agentId = (host: string, name: string): string => `${host}/${name}`;

export function parseAgentId(id: string): { host: string; name: string } | undefined {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { host: id.slice(0, slash), name: id.slice(slash + 1) };
}

/** Agent inputs back to the spec fleet's runtime takes. */
export function agentSpecOf(inputs: AgentInputs | AgentOutputs): AgentSpec {
  const { fleet: _fleet, hostSpec: _hostSpec, ...rest } = inputs as AgentOutputs;
  const { state: _state, specHash: _specHash, deadServices: _dead, ...spec } = rest;
  return spec;
}

export function hostSpecOf(inputs: HostInputs | HostOutputs): HostSpec {
  const { fleet: _fleet, state: _state, ...spec } = inputs as HostOutputs;
  return spec;
}

/** `urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME` -> TYPE. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** `...::NAME` -> NAME. */
export const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);
