/**
 * The provider `pulumi-resource-fleet` serves: each operation dispatched by the
 * resource's type to fleet's own runtime (agent-resource.ts, host-resource.ts).
 */
import type * as pulumiProvider from "@pulumi/pulumi/provider/index.js";
import { FleetError } from "../../../core/errors.ts";
import { AGENT_TYPE, HOST_TYPE, NETWORK_POLICY_TYPE, typeOfUrn } from "../resource-types.ts";
import type {
  AgentInputs,
  AgentOutputs,
  HostInputs,
  HostOutputs,
  NetworkPolicyInputs,
} from "../resource-types.ts";
import {
  createAgentResource,
  deleteAgentResource,
  diffAgentResource,
  readAgentResource,
  updateAgentResource,
} from "./agent-resource.ts";
import {
  applyNetworkResource,
  createHostResource,
  deleteHostResource,
  diffHostResource,
  diffNetworkResource,
  deleteNetworkResource,
  readHostResource,
} from "./host-resource.ts";

export const FLEET_PROVIDER_VERSION = "0.1.0";

function unknownType(urn: string): FleetError {
  return new FleetError(
    "UNKNOWN_RESOURCE_TYPE",
    `fleet's provider has no resource type for ${urn}`,
  );
}

type Props = Record<string, unknown>;

/** What the engine sends for an input not known until another resource is made (preview). */
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function isPresent(value: unknown, kind: "string" | "object"): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (kind === "string") return typeof value === "string" && value !== "";
  return typeof value === "object" && value !== null;
}

export const fleetProvider: pulumiProvider.Provider = {
  version: FLEET_PROVIDER_VERSION,

  check(urn: string, _olds: Props, news: Props) {
    const type = typeOfUrn(urn);
    const failures: pulumiProvider.CheckFailure[] = [];
    if (!isPresent(news.fleet, "string")) {
      failures.push({ property: "fleet", reason: "the owning fleet's name is required" });
    }
    if (type !== NETWORK_POLICY_TYPE && !isPresent(news.name, "string")) {
      failures.push({ property: "name", reason: "a name is required" });
    }
    if (type === AGENT_TYPE && !isPresent(news.hostSpec, "object")) {
      failures.push({ property: "hostSpec", reason: "the agent's host spec is required" });
    }
    return Promise.resolve({ inputs: news, failures });
  },

  diff(_id: string, urn: string, olds: Props, news: Props) {
    switch (typeOfUrn(urn)) {
      case AGENT_TYPE:
        return Promise.resolve(
          diffAgentResource(olds as unknown as AgentOutputs, news as unknown as AgentInputs),
        );
      case HOST_TYPE:
        return Promise.resolve(
          diffHostResource(olds as HostOutputs, news as unknown as HostInputs),
        );
      case NETWORK_POLICY_TYPE:
        return Promise.resolve(
          diffNetworkResource(
            olds as unknown as NetworkPolicyInputs,
            news as unknown as NetworkPolicyInputs,
          ),
        );
    }
    return Promise.reject(unknownType(urn));
  },

  async create(urn: string, inputs: Props) {
    switch (typeOfUrn(urn)) {
      case AGENT_TYPE:
        return createAgentResource(inputs as unknown as AgentInputs);
      case HOST_TYPE:
        return createHostResource(inputs as unknown as HostInputs);
      case NETWORK_POLICY_TYPE: {
        const outs = await applyNetworkResource(inputs as unknown as NetworkPolicyInputs);
        return { id: outs.hostSpec.name, outs };
      }
    }
    throw unknownType(urn);
  },

  async read(id: string, urn: string, props?: Props) {
    switch (typeOfUrn(urn)) {
      case AGENT_TYPE:
        return readAgentResource(id, props as unknown as AgentOutputs | undefined);
      case HOST_TYPE:
        return readHostResource(id, props as unknown as HostOutputs | undefined);
      case NETWORK_POLICY_TYPE:
        return { id, props };
    }
    throw unknownType(urn);
  },

  async update(_id: string, urn: string, _olds: Props, news: Props) {
    switch (typeOfUrn(urn)) {
      case AGENT_TYPE:
        return updateAgentResource(news as unknown as AgentInputs);
      case HOST_TYPE:
        return { outs: (await createHostResource(news as unknown as HostInputs)).outs };
      case NETWORK_POLICY_TYPE:
        return { outs: await applyNetworkResource(news as unknown as NetworkPolicyInputs) };
    }
    throw unknownType(urn);
  },

  async delete(_id: string, urn: string, props: Props) {
    switch (typeOfUrn(urn)) {
      case AGENT_TYPE:
        return deleteAgentResource(props as unknown as AgentOutputs);
      case HOST_TYPE:
        return deleteHostResource(props as unknown as HostOutputs);
      case NETWORK_POLICY_TYPE:
        return deleteNetworkResource(props as unknown as NetworkPolicyInputs);
    }
    throw unknownType(urn);
  },
};
