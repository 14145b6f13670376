/**
 * Importing an installed plugin and taking one provider or agent type from it,
 * checked against this fleet's contracts. Loaded only when a plugin's name is used
 * (or by `fleet plugin` itself), so a broken plugin fails the command that uses it,
 * naming the plugin, and no other.
 */
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AgentType } from "../contracts/agent-type.ts";
import type { PluginManifest } from "../contracts/plugin.ts";
import type { Provider } from "../contracts/provider.ts";
import { FleetError, isFleetError } from "../errors.ts";
import { pluginsDir, type PluginEntry } from "./index-file.ts";
import { checkAgentType, checkManifest, checkProvider, type ManifestNames } from "./manifest.ts";
import { pluginSdk } from "./sdk.ts";

export interface LoadedPlugin {
  manifest: PluginManifest;
  names: ManifestNames;
}

const loaded = new Map<string, Promise<LoadedPlugin>>();

function loadError(plugin: string, doing: string, error: unknown): FleetError {
  if (isFleetError(error) && error.code.startsWith("PLUGIN_")) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new FleetError("PLUGIN_LOAD", `plugin ${plugin}: ${doing} failed: ${reason}`, {
    hint: `reinstall it (fleet plugin add ${plugin}) or remove it (fleet plugin remove ${plugin}); --debug shows where it failed`,
    cause: error,
  });
}

/** Imports a plugin's entry module (absolute, or relative to FLEET_HOME/plugins) and checks its manifest. */
export function importPlugin(plugin: string, entry: string, home: string): Promise<LoadedPlugin> {
  const path = isAbsolute(entry) ? entry : join(pluginsDir(home), entry);
  let loading = loaded.get(path);
  if (loading === undefined) {
    loading = (async () => {
      let module: { default?: unknown };
      try {
        module = (await import(pathToFileURL(path).href)) as { default?: unknown };
      } catch (error) {
        throw loadError(plugin, "importing it", error);
      }
      const names = checkManifest(plugin, module.default);
      return { manifest: module.default as PluginManifest, names };
    })();
    loaded.set(path, loading);
  }
  return loading;
}

export async function providerOf(
  loadedPlugin: LoadedPlugin,
  plugin: string,
  name: string,
): Promise<Provider> {
  const loader = loadedPlugin.manifest.providers?.[name];
  if (loader === undefined) {
    throw new FleetError(
      "PLUGIN_INVALID",
      `plugin ${plugin} no longer provides provider "${name}"`,
      {
        hint: `add it again so fleet reads what it provides: fleet plugin add ${plugin}`,
      },
    );
  }
  let value: unknown;
  try {
    value = await loader(pluginSdk);
  } catch (error) {
    throw loadError(plugin, `loading provider ${name}`, error);
  }
  return checkProvider(plugin, name, value);
}

export async function agentTypeOf(
  loadedPlugin: LoadedPlugin,
  plugin: string,
  name: string,
): Promise<AgentType> {
  const loader = loadedPlugin.manifest.agentTypes?.[name];
  if (loader === undefined) {
    throw new FleetError(
      "PLUGIN_INVALID",
      `plugin ${plugin} no longer provides agent type "${name}"`,
      {
        hint: `add it again so fleet reads what it provides: fleet plugin add ${plugin}`,
      },
    );
  }
  let value: unknown;
  try {
    value = await loader(pluginSdk);
  } catch (error) {
    throw loadError(plugin, `loading agent type ${name}`, error);
  }
  return checkAgentType(plugin, name, value);
}

/** Imports the plugin and loads every name it provides: what `add` and `list` check. */
export async function checkWholePlugin(
  plugin: string,
  entry: string,
  home: string,
): Promise<ManifestNames> {
  const loadedPlugin = await importPlugin(plugin, entry, home);
  for (const name of loadedPlugin.names.providers) await providerOf(loadedPlugin, plugin, name);
  for (const name of loadedPlugin.names.agentTypes) await agentTypeOf(loadedPlugin, plugin, name);
  return loadedPlugin.names;
}

/** The registry's loaders for an installed plugin's names. */
export const loadPluginProvider = async (entry: PluginEntry, home: string, name: string) =>
  providerOf(await importPlugin(entry.name, entry.entry, home), entry.name, name);

export const loadPluginAgentType = async (entry: PluginEntry, home: string, name: string) =>
  agentTypeOf(await importPlugin(entry.name, entry.entry, home), entry.name, name);
