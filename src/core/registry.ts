/**
 * Providers and agent types, looked up by name. Providers load lazily so a
 * command pays only for the providers it touches (docker and ssh clients are not
 * loaded to list local agents).
 */
import { FleetError } from "./errors.ts";
import { suggest } from "./suggest.ts";
import type { AgentType } from "./contracts/agent-type.ts";
import type { Provider } from "./contracts/provider.ts";
import type { FleetEnv } from "./env.ts";
import type { HostSpec } from "./model.ts";

type ProviderLoader = () => Promise<Provider>;

const providerLoaders = new Map<string, ProviderLoader>([
  ["local", async () => (await import("../../providers/local/index.ts")).default],
  ["ssh", async () => (await import("../../providers/ssh/index.ts")).default],
  ["docker", async () => (await import("../../providers/docker/index.ts")).default],
]);
const providerCache = new Map<string, Promise<Provider>>();

/**
 * Providers that can find their hosts without FLEET_HOME's host cache (docker, by
 * its containers' labels). Separate from the providers themselves: asked on every
 * listing, so each must be cheap where it has nothing to find.
 */
type HostFinder = (env: FleetEnv) => Promise<HostSpec[]>;
const hostFinderLoaders = new Map<string, () => Promise<HostFinder>>([
  ["docker", async () => (await import("../../providers/docker/find-hosts.ts")).findDockerHosts],
]);

/** Every host the providers find by themselves; a finder that fails finds nothing. */
export async function findProviderHosts(env: FleetEnv): Promise<HostSpec[]> {
  const found = await Promise.all(
    [...hostFinderLoaders.values()].map(async (load) => {
      try {
        return await (
          await load()
        )(env);
      } catch {
        return [];
      }
    }),
  );
  return found.flat();
}

const agentTypeLoaders = new Map<string, () => Promise<AgentType>>([
  ["command", async () => (await import("../agents/command.ts")).default],
  ["claude", async () => (await import("../agents/claude.ts")).default],
  ["codex", async () => (await import("../agents/codex.ts")).default],
  ["opencode", async () => (await import("../agents/opencode.ts")).default],
]);

const BUILTIN_PROVIDERS: readonly string[] = [...providerLoaders.keys()];
const BUILTIN_AGENT_TYPES: readonly string[] = [...agentTypeLoaders.keys()];

/** The names fleet itself provides; plugins may not take them (src/core/plugins). */
export const builtinProviderNames = (): string[] => [...BUILTIN_PROVIDERS];
export const builtinAgentTypeNames = (): string[] => [...BUILTIN_AGENT_TYPES];

export function registerProvider(name: string, load: ProviderLoader): void {
  providerLoaders.set(name, load);
  providerCache.delete(name);
}

export function registerAgentType(name: string, load: () => Promise<AgentType>): void {
  agentTypeLoaders.set(name, load);
}

export const providerNames = (): string[] => [...providerLoaders.keys()];
export const agentTypeNames = (): string[] => [...agentTypeLoaders.keys()];

export function getProvider(name: string): Promise<Provider> {
  const cached = providerCache.get(name);
  if (cached) return cached;
  const load = providerLoaders.get(name);
  if (!load) throw unknownName("provider", name, providerNames());
  const loading = load();
  providerCache.set(name, loading);
  return loading;
}

export async function getAgentType(name: string): Promise<AgentType> {
  const load = agentTypeLoaders.get(name);
  if (!load) throw unknownName("agent type", name, agentTypeNames());
  return load();
}

function unknownName(kind: string, name: string, known: string[]): FleetError {
  const near = suggest(name, known);
  return new FleetError(
    "UNKNOWN_" + kind.toUpperCase().replace(" ", "_"),
    `unknown ${kind} "${name}"`,
    {
      hint: near
        ? `did you mean "${near}"? Known: ${known.join(", ")}`
        : `known: ${known.join(", ")}`,
    },
  );
}
