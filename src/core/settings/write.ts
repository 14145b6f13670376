/**
 * Changing a configuration file: one key set or removed in the YAML document
 * (its comments and the other keys kept as they were), the whole file checked
 * against the schema before it is written, and written by rename so a reader
 * never sees half of it. A project's `.fleet/.gitignore` is made to list
 * `config.local.yaml`, so that file stays out of git.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseDocument, parse as parseYaml } from "yaml";
import { usageError } from "../errors.ts";
import { agentTypeNames } from "../registry.ts";
import { suggest } from "../suggest.ts";
import type { Scope } from "./paths.ts";
import { parseSettings } from "./read.ts";
import { SETTING_KEYS } from "./schema.ts";

/** Keys `get`, `set` and `unset` take: the top-level ones and those inside notify. */
export const SETTABLE_KEYS = [
  ...SETTING_KEYS,
  "notify.on",
  "notify.desktop",
  "notify.webhooks",
] as const;

/** Keys whose value is text as typed: `prefix 0123` stays a string. */
const TEXT_KEYS = new Set(["agent", "host", "prefix"]);

export function assertKey(key: string): string[] {
  if ((SETTABLE_KEYS as readonly string[]).includes(key)) return key.split(".");
  const near = suggest(key, SETTABLE_KEYS);
  throw usageError(
    `unknown configuration key "${key}"${near === undefined ? "" : ` — did you mean "${near}"?`}`,
    `keys: ${SETTABLE_KEYS.join(", ")}`,
  );
}

/** The value as typed on the command line: text for names, else YAML (`8`, `true`, `[a, b]`). */
export function parseValue(key: string, text: string): unknown {
  if (TEXT_KEYS.has(key)) return text;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    throw usageError(`the value of ${key} is not valid YAML: ${text}`);
  }
  // `notify.on waiting,failed` is a list too.
  if (key === "notify.on" && typeof value === "string")
    return value.split(",").map((v) => v.trim());
  return value;
}

/** Sets (or, with value undefined, removes) the key in the scope's file. Returns whether it changed. */
export async function changeSetting(
  file: string,
  scope: Scope,
  key: string,
  value: unknown,
): Promise<boolean> {
  const path = assertKey(key);
  const text = existsSync(file) ? await readFile(file, "utf8") : "";
  // The file as it is must be valid first: a change is never layered on a broken file.
  parseSettings(text, file);
  const doc = parseDocument(text);
  if (value === undefined) {
    if (!doc.hasIn(path)) return false;
    doc.deleteIn(path);
    if (path[0] === "notify" && isEmptyMap(doc.getIn(["notify"]))) doc.deleteIn(["notify"]);
  } else {
    if (key === "agent" && typeof value === "string") assertAgentType(value);
    doc.setIn(path, value);
  }
  const next = doc.contents === null ? "" : String(doc);
  try {
    parseSettings(next, file);
  } catch (error) {
    // The value given is what is wrong: a usage error, and the file is left as it was.
    throw usageError(
      `${key} cannot be ${JSON.stringify(value)}: ${(error as Error).message.replace(`${file}: `, "")}`,
    );
  }
  await writeSettingsFile(file, scope, next);
  return true;
}

/** Writes a whole file (already checked) for its scope, and the project's gitignore. */
export async function writeSettingsFile(file: string, scope: Scope, text: string): Promise<void> {
  // A project's .fleet/ is shared through git like any dir; the user's is theirs alone.
  await mkdir(dirname(file), { recursive: true, ...(scope === "user" ? { mode: 0o700 } : {}) });
  // The user's and the local file may name webhooks: only their owner reads them.
  const mode = scope === "project" ? 0o644 : 0o600;
  const next = `${file}.${process.pid}.tmp`;
  await writeFile(next, text, { mode });
  await chmod(next, mode);
  await rename(next, file);
  if (scope !== "user") await ensureGitignore(dirname(file));
}

/** `.fleet/.gitignore` lists config.local.yaml (added to what the file already says). */
export async function ensureGitignore(fleetDir: string): Promise<void> {
  const file = join(fleetDir, ".gitignore");
  const text = existsSync(file) ? await readFile(file, "utf8") : "";
  const lines = text.split("\n").map((line) => line.trim());
  if (lines.includes("config.local.yaml") || lines.includes("/config.local.yaml")) return;
  const head = text === "" ? "# written by fleet: this clone's own settings stay out of git\n" : "";
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeFile(file, `${text}${sep}${head}config.local.yaml\n`);
}

function assertAgentType(type: string): void {
  const known = agentTypeNames();
  if (known.length === 0 || known.includes(type)) return;
  const near = suggest(type, known);
  throw usageError(
    `unknown agent type "${type}"${near === undefined ? "" : ` — did you mean "${near}"?`}`,
    `agent types: ${known.join(", ")}`,
  );
}

const isEmptyMap = (node: unknown): boolean =>
  typeof node === "object" &&
  node !== null &&
  "items" in node &&
  Array.isArray(node.items) &&
  node.items.length === 0;
