/**
 * The configuration in effect, loaded once before a command runs: each key from
 * the most specific file that sets it (local over project over user), over the
 * built-in defaults. Flags and FLEET_PREFIX win over all of it where the command
 * reads them. With no configuration file this costs three file tests; the YAML
 * reader and the schema load only when there is a file to read.
 */
import { existsSync } from "node:fs";
import type { SettingKey, Settings } from "./schema.ts";
import { SCOPES, settingsPaths, type Scope } from "./paths.ts";

export interface SettingsFile {
  scope: Scope;
  path: string;
  exists: boolean;
}

export interface LoadedSettings {
  values: Settings;
  /** The scope each set key came from. */
  sources: Partial<Record<SettingKey, Scope>>;
  files: SettingsFile[];
}

let loaded: LoadedSettings = { values: {}, sources: {}, files: [] };

/** What loadSettings found; nothing set until it ran (a library caller that never loads gets defaults). */
export const currentSettings = (): LoadedSettings => loaded;

export async function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<LoadedSettings> {
  const paths = settingsPaths(env, cwd);
  const files = SCOPES.flatMap((scope): SettingsFile[] => {
    const path = paths[scope];
    return path === undefined ? [] : [{ scope, path, exists: existsSync(path) }];
  });
  if (!files.some((file) => file.exists)) {
    loaded = { values: {}, sources: {}, files };
    return loaded;
  }
  const { readSettingsFile } = await import("./read.ts");
  const values: Record<string, unknown> = {};
  const sources: Partial<Record<SettingKey, Scope>> = {};
  for (const file of files) {
    if (!file.exists) continue;
    for (const [key, value] of Object.entries(readSettingsFile(file.path))) {
      if (value === undefined) continue;
      // notify merges by key, as in a fleet file: the more specific file's keys win.
      values[key] =
        key === "notify" && typeof values.notify === "object"
          ? { ...(values.notify as object), ...(value as object) }
          : value;
      sources[key as SettingKey] = file.scope;
    }
  }
  loaded = { values: values, sources, files };
  return loaded;
}
