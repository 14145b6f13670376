/**
 * Checks only a host's provider can make: its provider-specific fields, and
 * whether it can enforce the network policies its agents ask for. Separate from
 * the pure rules because it loads provider modules.
 */
import type { Provider } from "../contracts/provider.ts";
import type { DesiredState, NetworkPolicy } from "../model.ts";
import { canonicalJson } from "../spec-hash.ts";
import { getProvider, providerNames } from "../registry.ts";
import { configInvalid, toProblems } from "./problems.ts";
import type { Finding, Locate } from "./problems.ts";
import type { AgentOrigins } from "./resolve.ts";

/** Where to place problems about a loaded fleet, kept beside its desired state. */
const sources = new WeakMap<
  DesiredState,
  { locate: Locate | undefined; origins: Map<string, AgentOrigins> }
>();

export function rememberSource(
  desired: DesiredState,
  locate: Locate | undefined,
  origins: Map<string, AgentOrigins>,
): void {
  sources.set(desired, { locate, origins });
}

/**
 * Asks each host's provider to check the host's provider-specific fields (image,
 * address, ...), and that agents asking for a network policy run where one can be
 * enforced. Loads the providers in use. Throws CONFIG_INVALID listing the problems.
 */
export async function validateHostsWithProviders(desired: DesiredState): Promise<void> {
  const findings: Finding[] = [];
  const known = new Set(providerNames());
  const enforcesNetwork = new Map<string, boolean>();
  for (const host of desired.hosts) {
    if (!known.has(host.provider)) continue;
    const provider = await loadProvider(host.provider);
    if (!provider) continue;
    enforcesNetwork.set(host.name, provider.capabilities.networkPolicy);
    for (const problem of provider.validateHost(host)) {
      const relative = problem.path === "" ? [] : problem.path.split(".");
      findings.push({ path: ["hosts", host.name, ...relative], message: problem.message });
    }
    if (host.network && host.network.egress !== "open" && !provider.capabilities.networkPolicy) {
      findings.push({
        path: ["hosts", host.name, "network"],
        message: `provider "${host.provider}" cannot enforce a network policy`,
      });
    }
  }
  const source = sources.get(desired);
  const hostsByName = new Map(desired.hosts.map((host) => [host.name, host]));
  for (const spec of desired.agents) {
    const origins = source?.origins.get(spec.name);
    const host = hostsByName.get(spec.host);
    const networkPath = origins?.fields.network ?? ["agents", spec.name, "network"];
    if (
      spec.network &&
      spec.network.egress !== "open" &&
      enforcesNetwork.get(spec.host) === false
    ) {
      findings.push({
        path: networkPath,
        message: `host "${spec.host}" cannot enforce a network policy; run this agent on a host that can (docker)`,
      });
      continue;
    }
    // Policies and limits are enforced per host (one container): an agent's own
    // setting that its host does not carry would silently not apply.
    if (host && enforcesNetwork.get(spec.host) === true) {
      if (spec.network && !samePolicy(spec.network, host.network)) {
        findings.push({
          path: networkPath,
          message: `the network policy is enforced per host and host "${host.name}" has ${describePolicy(host.network)}; set this policy on hosts.${host.name}.network (every agent on the host shares it)`,
        });
      }
      if (spec.resources && canonicalJson(spec.resources) !== canonicalJson(host.resources ?? {})) {
        findings.push({
          path: origins?.fields.resources ?? ["agents", spec.name, "resources"],
          message: `resource limits are enforced per host; set them on hosts.${host.name}.resources (every agent on the host shares them)`,
        });
      }
    }
  }
  if (findings.length > 0)
    throw configInvalid(toProblems(findings, desired.source, source?.locate));
}

const samePolicy = (a: NetworkPolicy, b: NetworkPolicy | undefined): boolean =>
  canonicalJson(a) === canonicalJson(b ?? { egress: "open" });

const describePolicy = (policy: NetworkPolicy | undefined): string =>
  policy === undefined || policy.egress === "open"
    ? "no network policy"
    : `egress: ${policy.egress}`;

async function loadProvider(name: string): Promise<Provider | undefined> {
  try {
    return await getProvider(name);
  } catch (error) {
    // A provider still being written (its module missing) cannot check anything yet.
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}
