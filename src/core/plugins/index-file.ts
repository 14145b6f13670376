/**
 * FLEET_HOME/plugins/index.json: which plugins are installed and which names each
 * provides, written by `fleet plugin add` and `remove`. Commands read it when they
 * start (one file read; none when no plugin was ever added) and register each name
 * with a loader, so a plugin's code is imported only when one of its names is used.
 */
import { readFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { FleetError } from "../errors.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";

export const PLUGIN_INDEX_VERSION = 1;

export interface PluginEntry {
  /** The npm package name. */
  name: string;
  version: string;
  /** Its entry module, relative to the plugins dir. */
  entry: string;
  providers: string[];
  agentTypes: string[];
  /** The plugin contract version its manifest declared when it was added. */
  contractVersion: number;
  /** What was given to `fleet plugin add` (a tarball or directory by absolute path). */
  spec: string;
  addedAt: string;
}

export interface PluginIndex {
  format_version: number;
  plugins: PluginEntry[];
}

export const pluginsDir = (home: string): string => join(home, "plugins");
const indexPath = (home: string): string => join(pluginsDir(home), "index.json");

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

function validEntry(value: unknown): value is PluginEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.name === "string" &&
    typeof entry.version === "string" &&
    typeof entry.entry === "string" &&
    typeof entry.contractVersion === "number" &&
    typeof entry.spec === "string" &&
    isStrings(entry.providers) &&
    isStrings(entry.agentTypes)
  );
}

/**
 * The index, or an empty one when no plugin was ever added. Synchronous: it runs
 * before every command that may use a provider. A broken index is an error only
 * for those who ask (plugin commands); `lenient` gives an empty index instead.
 */
export function readPluginIndex(home: string, options: { lenient?: boolean } = {}): PluginIndex {
  let text: string;
  try {
    text = readFileSync(indexPath(home), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { format_version: PLUGIN_INDEX_VERSION, plugins: [] };
    }
    if (options.lenient === true) return { format_version: PLUGIN_INDEX_VERSION, plugins: [] };
    throw brokenIndex(home, (error as Error).message);
  }
  try {
    const value = JSON.parse(text) as Partial<PluginIndex> | null;
    if (
      value?.format_version !== PLUGIN_INDEX_VERSION ||
      !Array.isArray(value.plugins) ||
      !value.plugins.every(validEntry)
    ) {
      throw new Error("not an index fleet wrote");
    }
    return value as PluginIndex;
  } catch (error) {
    if (options.lenient === true) return { format_version: PLUGIN_INDEX_VERSION, plugins: [] };
    throw brokenIndex(home, (error as Error).message);
  }
}

function brokenIndex(home: string, reason: string): FleetError {
  return new FleetError("PLUGIN_INDEX", `cannot read ${indexPath(home)}: ${reason}`, {
    hint: `add the plugins again (fleet plugin add SPEC), or delete ${pluginsDir(home)} to start over`,
    fault: "system",
  });
}

/** Writes the index whole (a temporary file renamed over it). */
export async function writePluginIndex(home: string, index: PluginIndex): Promise<void> {
  await mkdirPrivate(pluginsDir(home));
  const path = indexPath(home);
  const temporary = `${path}.${process.pid}.tmp`;
  await writePrivateFile(temporary, JSON.stringify(index, null, 2) + "\n");
  await rename(temporary, path);
}
