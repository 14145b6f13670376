/**
 * `fleet plugin add|list|remove`. Add installs the package into a staging dir
 * first and checks it there (name, manifest, contract versions, every provider and
 * agent type loaded, names free), so a plugin that fails any check leaves the
 * plugins dir as it was; only then is it installed into FLEET_HOME/plugins and
 * written to the index. Remove refuses while a remembered host uses one of the
 * plugin's providers, unless forced.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import {
  pluginsDir,
  readPluginIndex,
  writePluginIndex,
  type PluginEntry,
} from "../plugins/index-file.ts";
import { checkWholePlugin } from "../plugins/load-plugin.ts";
import {
  checkClashes,
  checkPackageName,
  type ManifestNames,
  type TakenNames,
} from "../plugins/manifest.ts";
import { ensureNpmProject, npm } from "../plugins/npm.ts";
import { readPackage } from "../plugins/package-entry.ts";
import { npmArgument, parsePluginSpec, type PluginSpec } from "../plugins/package-spec.ts";
import { PLUGIN_CONTRACT_VERSION } from "../contracts/plugin.ts";
import { builtinAgentTypeNames, builtinProviderNames } from "../registry.ts";
import { rememberedHosts } from "../state/known-hosts.ts";
import { acquireLock, flockArgs, holdLock } from "../flock-holder.ts";
import { mkdirPrivate, touchPrivateFileSync } from "../private-files.ts";

/** add and remove one at a time: each rewrites the index and runs npm on the same dir. */
async function withPluginsLock<T>(ctx: ProviderContext, fn: () => Promise<T>): Promise<T> {
  const dir = join(ctx.env.home, "locks");
  const file = join(dir, "plugins.lock");
  await mkdirPrivate(dir);
  touchPrivateFileSync(file);
  const release = await acquireLock(
    (nonBlocking) =>
      holdLock({ command: "flock", args: flockArgs(file, nonBlocking) }, `the lock ${file}`),
    { io: ctx.io, host: "plugins" },
  );
  try {
    return await fn();
  } finally {
    await release();
  }
}

export interface AddedPlugin {
  plugin: PluginEntry;
  /** True when it replaced an installed version. */
  replaced: boolean;
}

function takenNames(others: readonly PluginEntry[]): TakenNames {
  const providers = new Map(builtinProviderNames().map((name) => [name, "fleet"]));
  const agentTypes = new Map(builtinAgentTypeNames().map((name) => [name, "fleet"]));
  for (const other of others) {
    for (const name of other.providers) providers.set(name, other.name);
    for (const name of other.agentTypes) agentTypes.set(name, other.name);
  }
  return { providers, agentTypes };
}

export async function addPlugin(
  spec: string,
  ctx: ProviderContext,
  cwd: string = process.cwd(),
): Promise<AddedPlugin> {
  const parsed = await parsePluginSpec(spec, cwd);
  checkPackageName(parsed.name);
  return withPluginsLock(ctx, () => installPlugin(parsed, ctx));
}

async function installPlugin(parsed: PluginSpec, ctx: ProviderContext): Promise<AddedPlugin> {
  const spec = npmArgument(parsed);
  const home = ctx.env.home;
  const index = readPluginIndex(home);
  const others = index.plugins.filter((entry) => entry.name !== parsed.name);
  const dir = pluginsDir(home);
  await ensureNpmProject(dir);

  // A staging dir left by an add that was killed (add runs under the lock: none is in use).
  for (const name of await readdir(dir)) {
    if (name.startsWith(".staging-")) await rm(join(dir, name), { recursive: true, force: true });
  }
  // Staged: installed and checked away from the plugins dir.
  const stage = await mkdtemp(join(dir, ".staging-"));
  let names: ManifestNames;
  try {
    await ensureNpmProject(stage);
    ctx.io.notify({
      level: "progress",
      code: "plugin.stage",
      message: `installing ${spec} to check it`,
    });
    await npm("install", stage, npmArgument(parsed));
    const staged = await readPackage(join(stage, "node_modules", parsed.name));
    names = await checkWholePlugin(parsed.name, staged.entry, home);
    checkClashes(parsed.name, names, takenNames(others));
  } finally {
    await rm(stage, { recursive: true, force: true });
  }

  ctx.io.notify({
    level: "progress",
    code: "plugin.install",
    message: `installing ${parsed.name}`,
  });
  await npm("install", dir, npmArgument(parsed));
  const installed = await readPackage(join(dir, "node_modules", parsed.name));
  const plugin: PluginEntry = {
    name: parsed.name,
    version: installed.version,
    entry: relative(dir, installed.entry),
    providers: names.providers,
    agentTypes: names.agentTypes,
    contractVersion: PLUGIN_CONTRACT_VERSION,
    // Files by absolute path: the index must not depend on where add ran.
    spec,
    addedAt: new Date().toISOString(),
  };
  const replaced = others.length !== index.plugins.length;
  await writePluginIndex(home, {
    format_version: index.format_version,
    plugins: [...others, plugin].sort((a, b) => a.name.localeCompare(b.name)),
  });
  return { plugin, replaced };
}

export interface ListedPlugin extends PluginEntry {
  /** Whether it loads and meets this fleet's contracts now; the error when not. */
  contract: { ok: true } | { ok: false; error: ReturnType<FleetError["toJSON"]> };
}

/** The installed plugins, each imported and checked (every name loaded). */
export async function listPlugins(ctx: ProviderContext): Promise<ListedPlugin[]> {
  const index = readPluginIndex(ctx.env.home);
  return Promise.all(
    index.plugins.map(async (entry): Promise<ListedPlugin> => {
      try {
        await checkWholePlugin(entry.name, entry.entry, ctx.env.home);
        return { ...entry, contract: { ok: true } };
      } catch (error) {
        const json =
          error instanceof FleetError
            ? error.toJSON()
            : new FleetError("PLUGIN_LOAD", String(error)).toJSON();
        return { ...entry, contract: { ok: false, error: json } };
      }
    }),
  );
}

export interface RemovedPlugin {
  plugin: PluginEntry;
  /** Remembered hosts that still name one of its providers (only with force). */
  hostsLeft: string[];
}

export function removePlugin(
  name: string,
  ctx: ProviderContext,
  options: { force?: boolean } = {},
): Promise<RemovedPlugin> {
  return withPluginsLock(ctx, () => uninstallPlugin(name, ctx, options));
}

async function uninstallPlugin(
  name: string,
  ctx: ProviderContext,
  options: { force?: boolean },
): Promise<RemovedPlugin> {
  const home = ctx.env.home;
  const index = readPluginIndex(home);
  const plugin = index.plugins.find((entry) => entry.name === name);
  if (plugin === undefined) {
    const installed = index.plugins.map((entry) => entry.name);
    throw new FleetError("PLUGIN_NOT_FOUND", `no plugin ${name} is installed`, {
      hint:
        installed.length === 0 ? "no plugin is installed" : `installed: ${installed.join(", ")}`,
    });
  }
  const hostsLeft = (await rememberedHosts(ctx.env))
    .filter((host) => plugin.providers.includes(host.provider))
    .map((host) => host.name)
    .sort();
  if (hostsLeft.length > 0 && options.force !== true) {
    throw new FleetError(
      "PLUGIN_IN_USE",
      `plugin ${name} provides the provider of host${hostsLeft.length === 1 ? "" : "s"} ${hostsLeft.join(", ")}`,
      {
        hint: "destroy those hosts first (fleet destroy -f FILE), or pass --force to remove it anyway (fleet then cannot reach them until it is added again)",
        details: { hosts: hostsLeft },
      },
    );
  }
  await npm("uninstall", pluginsDir(home), name);
  await writePluginIndex(home, {
    format_version: index.format_version,
    plugins: index.plugins.filter((entry) => entry.name !== name),
  });
  return { plugin, hostsLeft };
}
