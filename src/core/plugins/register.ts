/**
 * Registers the installed plugins' names at start-up: one read of
 * FLEET_HOME/plugins/index.json (nothing else when there is none), and for each
 * name a loader that imports the plugin only when that name is first used.
 */
import { fleetHomeDir } from "../env.ts";
import {
  builtinAgentTypeNames,
  builtinProviderNames,
  registerAgentType,
  registerProvider,
} from "../registry.ts";
import { readPluginIndex } from "./index-file.ts";

let registeredFor: string | undefined;

export function registerInstalledPlugins(home: string = fleetHomeDir()): void {
  if (registeredFor === home) return;
  registeredFor = home;
  // A broken index is reported by `fleet plugin list`; here it registers nothing.
  const index = readPluginIndex(home, { lenient: true });
  if (index.plugins.length === 0) return;
  const builtinProviders = new Set(builtinProviderNames());
  const builtinTypes = new Set(builtinAgentTypeNames());
  const load = () => import("./load-plugin.ts");
  for (const entry of index.plugins) {
    for (const name of entry.providers) {
      // A built-in name always means the built-in (add refuses such plugins).
      if (builtinProviders.has(name)) continue;
      registerProvider(name, async () => (await load()).loadPluginProvider(entry, home, name));
    }
    for (const name of entry.agentTypes) {
      if (builtinTypes.has(name)) continue;
      registerAgentType(name, async () => (await load()).loadPluginAgentType(entry, home, name));
    }
  }
}
