/**
 * `fleet config list|get|set|unset|edit`. These run without the configuration
 * loaded first, so a broken file can still be shown and fixed.
 */
import { spawn } from "node:child_process";
import {
  editSettings,
  getSetting,
  listSettings,
  parseScope,
  setSetting,
  unsetSetting,
  type ConfigWhere,
} from "../../core/actions/config-settings.ts";
import { usageError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { renderTable } from "../render/table.ts";

interface ConfigOptions extends CommonOptions {
  scope?: string;
}

const where = (): ConfigWhere => ({ env: process.env, cwd: process.cwd() });
const show = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value);

export async function runList(options: ConfigOptions): Promise<void> {
  const context = cliContext(options, ["table", "json"], "table");
  const scope = options.scope === undefined ? undefined : parseScope(options.scope, "user");
  const { rows, files } = await listSettings(where(), scope);
  if (context.format === "json") {
    printJson({
      format_version: "1.0",
      ...(scope === undefined ? {} : { scope }),
      settings: rows.map(({ key, value, source }) => ({ key, value, source })),
      files,
    });
    return;
  }
  if (rows.length === 0) {
    printText(`Nothing is set in the ${scope ?? ""} configuration.`);
    return;
  }
  printText(
    renderTable(
      ["KEY", "VALUE", "SOURCE"],
      rows.map((row) => [row.key, show(row.value), row.source]),
    ),
  );
}

export async function runGet(key: string, options: ConfigOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const scope = options.scope === undefined ? undefined : parseScope(options.scope, "user");
  const found = await getSetting(key, where(), scope);
  if (found === undefined) {
    // As `git config`: unset in that file is exit 1 with nothing printed.
    process.exitCode = 1;
    if (context.format === "json") printJson({ key, value: null, source: null });
    return;
  }
  if (context.format === "json") printJson({ key, ...found });
  else printText(show(found.value));
}

export async function runSet(key: string, value: string, options: ConfigOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const scope = parseScope(options.scope, "user");
  const { file } = await setSetting(key, value, scope, where());
  if (context.format === "json") printJson({ set: { key, scope, file } });
  else printText(`Set ${key} in ${file} (${scope}).`, "stderr");
}

export async function runUnset(key: string, options: ConfigOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const scope = parseScope(options.scope, "user");
  const { file, changed } = await unsetSetting(key, scope, where());
  if (context.format === "json") printJson({ unset: { key, scope, file, changed } });
  else
    printText(
      changed ? `Removed ${key} from ${file}.` : `${key} was not set in ${file}.`,
      "stderr",
    );
}

export async function runEdit(options: ConfigOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const scope = parseScope(options.scope, "user");
  const editor = process.env.VISUAL || process.env.EDITOR || (process.stdin.isTTY ? "vi" : "");
  if (editor === "") {
    throw usageError("no editor: set $VISUAL or $EDITOR", "EDITOR=nano fleet config edit");
  }
  const { file, changed } = await editSettings(scope, where(), (copy) => runEditor(editor, copy));
  if (context.format === "json") printJson({ edited: { scope, file, changed } });
  else printText(changed ? `Saved ${file}.` : `No change to ${file}.`, "stderr");
}

/** $EDITOR may carry arguments (`code -w`): the shell splits it, the file is one word. */
function runEditor(editor: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `${editor} "$1"`, "fleet-editor", file], {
      stdio: "inherit",
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 129 : 1)));
  });
}
