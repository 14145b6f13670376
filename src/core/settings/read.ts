/**
 * Reading and checking one configuration file: YAML, then the schema. An error
 * names the file, the line where YAML could not be read, and the key with what
 * was expected.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { FleetError } from "../errors.ts";
import { SETTING_KEYS, settingsSchema, type Settings } from "./schema.ts";

export function readSettingsFile(file: string): Settings {
  return parseSettings(readFileSync(file, "utf8"), file);
}

export function parseSettings(text: string, file: string): Settings {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [yamlError] = doc.errors;
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const what = (yamlError.message.split("\n")[0] ?? "").replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw invalid(file, `${at === undefined ? "" : `line ${at.line}, column ${at.col}: `}${what}`);
  }
  const value: unknown = doc.toJS() ?? {};
  const parsed = settingsSchema().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    const what =
      issue?.code === "unrecognized_keys"
        ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (known: ${SETTING_KEYS.join(", ")})`
        : (issue?.message ?? "invalid");
    throw invalid(file, path === "" ? what : `${path}: ${what}`);
  }
  return parsed.data;
}

const invalid = (file: string, why: string): FleetError =>
  new FleetError("SETTINGS_INVALID", `${file}: ${why}`, {
    hint: "fix it with `fleet config edit` (or by hand); `fleet config list` shows what is set where",
  });
