/**
 * Checks of what a plugin package exports, made when it is added and again when
 * one of its names is first used: the package name, the manifest's shape and
 * contract version, each provider's and agent type's own contract version, and
 * names that would clash with fleet's or another plugin's. Each failure is a
 * FleetError naming the plugin, the wanted and the found version.
 */
import { AGENT_TYPE_CONTRACT_VERSION } from "../contracts/agent-type.ts";
import type { AgentType } from "../contracts/agent-type.ts";
import { PLUGIN_CONTRACT_VERSION } from "../contracts/plugin.ts";
import { PROVIDER_CONTRACT_VERSION, type Provider } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { NAME_PATTERN } from "../names.ts";

/** `fleet-provider-*`, `fleet-agent-*`, optionally under a scope. */
export const PLUGIN_PACKAGE_PATTERN =
  /^(@[a-z0-9][a-z0-9._-]*\/)?fleet-(provider|agent)-[a-z0-9][a-z0-9._-]*$/;

export type PluginKind = "provider" | "agentType";

/** What a manifest provides, by name. */
export interface ManifestNames {
  providers: string[];
  agentTypes: string[];
}

export function checkPackageName(name: string): void {
  if (PLUGIN_PACKAGE_PATTERN.test(name)) return;
  throw new FleetError(
    "PLUGIN_NAME",
    `"${name}" is not a fleet plugin name: plugins are npm packages named fleet-provider-NAME or fleet-agent-NAME (or @scope/fleet-provider-NAME, @scope/fleet-agent-NAME)`,
    { hint: "rename the package, or check that you named the plugin you meant" },
  );
}

function contractError(plugin: string, what: string, wanted: number, found: unknown): FleetError {
  const foundText = typeof found === "number" ? String(found) : "none";
  const newer = typeof found === "number" && found > wanted;
  return new FleetError(
    "PLUGIN_CONTRACT",
    `plugin ${plugin}: ${what} is written for contract version ${foundText}; this fleet wants version ${wanted}`,
    {
      hint: newer
        ? `upgrade fleet, or install a version of ${plugin} made for contract ${wanted}`
        : `install a version of ${plugin} made for contract ${wanted} (docs/plugins.md)`,
      details: { plugin, what, wanted, found: typeof found === "number" ? found : null },
    },
  );
}

function invalid(plugin: string, message: string): FleetError {
  return new FleetError("PLUGIN_INVALID", `plugin ${plugin}: ${message}`, {
    hint: "a plugin's default export is its manifest: { contractVersion, providers, agentTypes } (docs/plugins.md)",
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function loaderNames(plugin: string, field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) throw invalid(plugin, `${field} must be an object of loaders by name`);
  for (const [name, loader] of Object.entries(value)) {
    if (!NAME_PATTERN.test(name)) {
      throw invalid(
        plugin,
        `${field} names "${name}", which is not a valid name (letters, digits, - and _)`,
      );
    }
    if (typeof loader !== "function") {
      throw invalid(
        plugin,
        `${field}.${name} must be a function that returns the ${field === "providers" ? "provider" : "agent type"}`,
      );
    }
  }
  return Object.keys(value).sort();
}

/** The manifest a package's default export must be; returns the names it provides. */
export function checkManifest(plugin: string, value: unknown): ManifestNames {
  if (!isRecord(value)) throw invalid(plugin, "its default export is not a manifest object");
  if (value.contractVersion !== PLUGIN_CONTRACT_VERSION) {
    throw contractError(plugin, "its manifest", PLUGIN_CONTRACT_VERSION, value.contractVersion);
  }
  const names = {
    providers: loaderNames(plugin, "providers", value.providers),
    agentTypes: loaderNames(plugin, "agentTypes", value.agentTypes),
  };
  if (names.providers.length + names.agentTypes.length === 0) {
    throw invalid(plugin, "its manifest provides no provider and no agent type");
  }
  return names;
}

const PROVIDER_METHODS = [
  "validateHost",
  "discover",
  "transport",
  "lock",
  "prepareWorkdir",
  "createHost",
  "startHost",
  "stopHost",
  "destroyHost",
  "applyNetworkPolicy",
  "snapshot",
] as const;

/** What a provider loader returned: a provider of this contract, under the name it was listed by. */
export function checkProvider(plugin: string, name: string, value: unknown): Provider {
  const what = `provider ${name}`;
  if (!isRecord(value)) throw invalid(plugin, `${what}: its loader returned no object`);
  if (value.contractVersion !== PROVIDER_CONTRACT_VERSION) {
    throw contractError(plugin, what, PROVIDER_CONTRACT_VERSION, value.contractVersion);
  }
  if (value.name !== name) {
    throw invalid(plugin, `${what}: the provider calls itself "${String(value.name)}"`);
  }
  if (!isRecord(value.capabilities)) throw invalid(plugin, `${what}: it has no capabilities`);
  const missing = PROVIDER_METHODS.filter((method) => typeof value[method] !== "function");
  if (missing.length > 0) throw invalid(plugin, `${what}: it lacks ${missing.join(", ")}`);
  return value as unknown as Provider;
}

export function checkAgentType(plugin: string, name: string, value: unknown): AgentType {
  const what = `agent type ${name}`;
  if (!isRecord(value)) throw invalid(plugin, `${what}: its loader returned no object`);
  if (value.contractVersion !== AGENT_TYPE_CONTRACT_VERSION) {
    throw contractError(plugin, what, AGENT_TYPE_CONTRACT_VERSION, value.contractVersion);
  }
  if (value.name !== name) {
    throw invalid(plugin, `${what}: the agent type calls itself "${String(value.name)}"`);
  }
  const missing = [
    ...(typeof value.launchCommand === "function" ? [] : ["launchCommand"]),
    ...(["readiness", "delivery", "transcript"] as const).filter((key) => !isRecord(value[key])),
  ];
  if (missing.length > 0) throw invalid(plugin, `${what}: it lacks ${missing.join(", ")}`);
  return value as unknown as AgentType;
}

/** Names already taken, each by its owner: "fleet" for built-ins, else the plugin's package. */
export interface TakenNames {
  providers: ReadonlyMap<string, string>;
  agentTypes: ReadonlyMap<string, string>;
}

export function checkClashes(plugin: string, names: ManifestNames, taken: TakenNames): void {
  const clashes = [
    ...names.providers.flatMap((name) => clash("provider", name, taken.providers.get(name))),
    ...names.agentTypes.flatMap((name) => clash("agent type", name, taken.agentTypes.get(name))),
  ];
  if (clashes.length === 0) return;
  throw new FleetError("PLUGIN_CLASH", `plugin ${plugin} provides ${clashes.join(" and ")}`, {
    hint: "a name can have one owner: remove the other plugin first (fleet plugin remove NAME), or use a plugin whose names are free",
    details: { plugin, clashes },
  });
}

function clash(kind: string, name: string, owner: string | undefined): string[] {
  if (owner === undefined) return [];
  return [
    `${kind} "${name}", which ${owner === "fleet" ? "is built into fleet" : `plugin ${owner} provides`}`,
  ];
}
