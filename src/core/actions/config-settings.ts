/**
 * `fleet config`: what is configured, where, and changing it. A value shown
 * comes with where it came from (a flag is not in view here: env, local, project,
 * user or default). Webhook URLs are shown as scheme and host only: their path
 * is their secret.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FleetError, usageError } from "../errors.ts";
import { redactUrl } from "../notify/webhook.ts";
import { loadSettings, type LoadedSettings } from "../settings/current.ts";
import { settingsPaths, type Scope, type SettingsPaths } from "../settings/paths.ts";
import { parseSettings, readSettingsFile } from "../settings/read.ts";
import { SETTING_KEYS, settingDescription, type Settings } from "../settings/schema.ts";
import { assertKey, changeSetting, parseValue, writeSettingsFile } from "../settings/write.ts";

export type Source = Scope | "env" | "default";

export interface SettingRow {
  key: string;
  value: unknown;
  source: Source;
  description: string;
}

export interface ConfigWhere {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const DEFAULTS: Required<Omit<Settings, "notify">> & { notify: Settings["notify"] } = {
  agent: "command",
  host: "local",
  prefix: "fleet-",
  parallelism: 8,
  notify: { desktop: true },
};

/** The file of a scope, or a usage error where the scope has none (no project here). */
export function scopeFile(paths: SettingsPaths, scope: Scope): string {
  const file = paths[scope];
  if (file !== undefined) return file;
  throw usageError(
    `there is no ${scope} configuration here: ${scope} files live in .fleet/ of a project, and this directory's would be FLEET_HOME itself`,
    "run it inside a git repository or another directory, or use --scope user",
  );
}

export function parseScope(text: string | undefined, fallback: Scope): Scope {
  const scope = text ?? fallback;
  if (scope === "user" || scope === "project" || scope === "local") return scope;
  throw usageError(`unknown scope "${scope}"`, "use one of: user, project, local");
}

/** Every key in effect, or (with `scope`) what that one file sets. */
export async function listSettings(
  where: ConfigWhere,
  scope?: Scope,
): Promise<{ rows: SettingRow[]; files: LoadedSettings["files"] }> {
  if (scope !== undefined) {
    // Only that file is read: another scope's broken file does not stand in the way.
    const paths = settingsPaths(where.env, where.cwd);
    const file = scopeFile(paths, scope);
    const files = (["user", "project", "local"] as const).flatMap((s) => {
      const path = paths[s];
      return path === undefined ? [] : [{ scope: s, path, exists: existsSync(path) }];
    });
    const values: Settings = existsSync(file) ? readSettingsFile(file) : {};
    const rows = SETTING_KEYS.filter((key) => values[key] !== undefined).map((key) => ({
      key,
      value: shown(values[key]),
      source: scope,
      description: settingDescription(key),
    }));
    return { rows, files };
  }
  const loaded = await loadSettings(where.env, where.cwd);
  const rows = SETTING_KEYS.map((key): SettingRow => {
    const description = settingDescription(key);
    if (key === "prefix" && where.env.FLEET_PREFIX !== undefined) {
      return { key, value: where.env.FLEET_PREFIX, source: "env", description };
    }
    const source = loaded.sources[key];
    return source === undefined
      ? { key, value: shown(DEFAULTS[key]), source: "default", description }
      : { key, value: shown(loaded.values[key]), source, description };
  });
  return { rows, files: loaded.files };
}

/** One key's value in effect (or in `scope`'s file, undefined when that file does not set it). */
export async function getSetting(
  key: string,
  where: ConfigWhere,
  scope?: Scope,
): Promise<{ value: unknown; source: Source } | undefined> {
  const path = assertKey(key);
  const [top = "", inner] = path;
  const { rows } = await listSettings(where, scope);
  const row = rows.find((candidate) => candidate.key === top);
  if (row === undefined) return undefined;
  if (inner === undefined) return { value: row.value, source: row.source };
  const value = (row.value as Record<string, unknown> | undefined)?.[inner];
  return value === undefined ? undefined : { value, source: row.source };
}

export async function setSetting(
  key: string,
  text: string,
  scope: Scope,
  where: ConfigWhere,
): Promise<{ file: string }> {
  const file = scopeFile(settingsPaths(where.env, where.cwd), scope);
  await changeSetting(file, scope, key, parseValue(key, text));
  return { file };
}

export async function unsetSetting(
  key: string,
  scope: Scope,
  where: ConfigWhere,
): Promise<{ file: string; changed: boolean }> {
  const file = scopeFile(settingsPaths(where.env, where.cwd), scope);
  return { file, changed: await changeSetting(file, scope, key, undefined) };
}

/**
 * Edits a scope's file in the user's editor: on a copy, checked when the editor
 * exits, and put in place only when valid. An invalid edit changes nothing; the
 * copy is kept and named so the work is not lost.
 */
export async function editSettings(
  scope: Scope,
  where: ConfigWhere,
  runEditor: (file: string) => Promise<number>,
): Promise<{ file: string; changed: boolean }> {
  const file = scopeFile(settingsPaths(where.env, where.cwd), scope);
  const dir = await mkdtemp(join(tmpdir(), "fleet-config-"));
  const copy = join(dir, "config.yaml");
  let keep = false;
  try {
    if (existsSync(file)) await copyFile(file, copy);
    else await writeSettingsTemplate(copy);
    const before = await readFile(copy, "utf8");
    const code = await runEditor(copy);
    if (code !== 0) {
      throw new FleetError("EDITOR_FAILED", `the editor exited with code ${code}: nothing changed`);
    }
    const after = await readFile(copy, "utf8");
    if (after === before) return { file, changed: false };
    try {
      parseSettings(after, file);
    } catch (error) {
      keep = true;
      throw new FleetError(
        "SETTINGS_INVALID",
        `${(error as Error).message}; ${file} was not changed`,
        {
          hint: `your edit is kept in ${copy}: fix it and copy it over, or run \`fleet config edit\` again`,
        },
      );
    }
    await writeSettingsFile(file, scope, after);
    return { file, changed: true };
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

async function writeSettingsTemplate(file: string): Promise<void> {
  const lines = [
    "# fleet configuration (docs/cli.md, `fleet config`). Uncomment what you set.",
    ...SETTING_KEYS.filter((key) => key !== "notify").map(
      (key) => `# ${key}: ${JSON.stringify(DEFAULTS[key])}   # ${settingDescription(key)}`,
    ),
    "# notify: { desktop: true, webhooks: [{ urlFrom: SLACK_WEBHOOK }] }",
    "",
  ];
  const { writeFile } = await import("node:fs/promises");
  await writeFile(file, lines.join("\n"), { mode: 0o600 });
}

/** A value as it may be shown: webhook URLs cut to scheme and host. */
function shown(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !("webhooks" in value)) return value;
  const notify = value as NonNullable<Settings["notify"]>;
  return {
    ...notify,
    webhooks: notify.webhooks?.map((hook) =>
      "url" in hook ? { ...hook, url: redactUrl(hook.url) } : hook,
    ),
  };
}
