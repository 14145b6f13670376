/**
 * Hand-built desired and live states for plan tests: small builders with
 * sensible defaults, so each test says only what matters to it.
 */
import type { ProviderCapabilities } from "../../../src/core/contracts/provider.ts";
import type {
  AgentSpec,
  AgentState,
  DesiredState,
  HostError,
  HostSpec,
  HostState,
  LiveAgent,
  LiveHost,
  LiveState,
} from "../../../src/core/model.ts";
import { specHash } from "../../../src/core/spec-hash.ts";
import { computePlan } from "../../../src/core/plan/compute.ts";
import type { Change, Plan } from "../../../src/core/plan/types.ts";

export const FLEET = "payments";
export const NOW = new Date("2025-01-02T03:04:05.000Z");

const unmanaged: ProviderCapabilities = {
  manageHost: false,
  stopHost: false,
  snapshot: false,
  networkPolicy: false,
};

export const CAPABILITIES: Record<string, ProviderCapabilities> = {
  local: unmanaged,
  ssh: unmanaged,
  docker: { manageHost: true, stopHost: true, snapshot: true, networkPolicy: true },
};

export function agent(name: string, overrides: Partial<AgentSpec> = {}): AgentSpec {
  return {
    name,
    host: "local",
    agent: "command",
    command: "sleep 1000",
    args: [],
    env: {},
    secrets: [],
    services: [],
    labels: {},
    idleTimeout: 900_000,
    ...overrides,
  };
}

export function host(
  name: string,
  provider = "docker",
  overrides: Partial<HostSpec> = {},
): HostSpec {
  const config = provider === "docker" ? { image: "fleet/base:bookworm" } : {};
  return { name, provider, config, ...overrides };
}

export function desired(
  agents: AgentSpec[],
  hosts: HostSpec[] = [],
  fleet: string = FLEET,
): DesiredState {
  return { fleet, source: "/repo/fleet.yaml", hosts, agents };
}

export interface LiveAgentOptions {
  fleet?: string | null;
  state?: AgentState;
  host?: string;
  provider?: string;
}

/** The live counterpart of a spec, owned by FLEET and running unless told otherwise. */
export function liveAgent(spec: AgentSpec, options: LiveAgentOptions = {}): LiveAgent {
  const hostName = options.host ?? spec.host;
  const recorded = { ...spec, host: hostName };
  return {
    name: spec.name,
    host: hostName,
    provider: options.provider ?? (hostName === "local" ? "local" : "docker"),
    fleet: options.fleet === undefined ? FLEET : options.fleet,
    specHash: specHash(recorded),
    spec: recorded,
    state: options.state ?? "RUNNING",
    createdAt: "2025-01-01T00:00:00.000Z",
    attached: false,
  };
}

export function liveHost(
  spec: HostSpec,
  options: { fleet?: string | null; state?: HostState } = {},
): LiveHost {
  return {
    name: spec.name,
    provider: spec.provider,
    fleet: options.fleet === undefined ? FLEET : options.fleet,
    specHash: specHash(spec),
    spec,
    state: options.state ?? "running",
  };
}

export const LOCAL_LIVE: LiveHost = {
  name: "local",
  provider: "local",
  fleet: null,
  state: "running",
};

export function live(
  agents: LiveAgent[] = [],
  hosts: LiveHost[] = [LOCAL_LIVE],
  errors: HostError[] = [],
): LiveState {
  return { hosts, agents, errors };
}

export function hostError(
  hostName: string,
  provider = "ssh",
  message = "connection refused",
): HostError {
  return {
    host: hostName,
    provider,
    error: { code: "HOST_UNREACHABLE", message, fault: "system" },
  };
}

export function plan(d: DesiredState, l: LiveState): Plan {
  return computePlan(d, l, { capabilities: CAPABILITIES, now: NOW });
}

/** The change at `address`; fails the test when there is none. */
export function changeAt(p: Plan, address: string): Change {
  const change = p.changes.find((c) => c.address === address);
  if (change === undefined) {
    const have = p.changes.map((c) => `${c.address}:${c.action}`).join(", ");
    throw new Error(`no change at ${address}; the plan has: ${have}`);
  }
  return change;
}

export function actions(p: Plan): Record<string, string> {
  return Object.fromEntries(p.changes.map((c) => [c.address, c.action]));
}
