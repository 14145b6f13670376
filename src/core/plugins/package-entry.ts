/**
 * The module `import(name)` would load for an installed package, read from its
 * package.json ("exports" ".", with the import, node or default condition, else
 * "main", else index.js). fleet imports plugins by path: they live under
 * FLEET_HOME/plugins/node_modules, which Node's resolution from fleet's own
 * files would not search.
 */
import { readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { FleetError } from "../errors.ts";

const CONDITIONS = ["import", "node", "default"] as const;

function fromConditions(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(fromConditions).find((found) => found !== undefined);
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const condition of CONDITIONS) {
    if (condition in record) return fromConditions(record[condition]);
  }
  return undefined;
}

export interface PackageInfo {
  name: string;
  version: string;
  /** Absolute path of the entry module. */
  entry: string;
}

export async function readPackage(dir: string): Promise<PackageInfo> {
  const file = join(dir, "package.json");
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new FleetError("PLUGIN_INVALID", `cannot read ${file}: ${(error as Error).message}`);
  }
  const name = typeof pkg.name === "string" ? pkg.name : "";
  const exportsField = pkg.exports;
  const dot =
    typeof exportsField === "object" && exportsField !== null && "." in exportsField
      ? (exportsField as Record<string, unknown>)["."]
      : exportsField;
  const target =
    fromConditions(dot) ?? (typeof pkg.main === "string" ? pkg.main : undefined) ?? "index.js";
  const entry = resolve(dir, target);
  // An entry outside the package (`../x`) is not the package's own code.
  if (relative(dir, entry).startsWith(`..${sep}`) || relative(dir, entry) === "..") {
    throw new FleetError(
      "PLUGIN_INVALID",
      `plugin ${name}: its entry ${target} is outside the package`,
    );
  }
  return { name, version: typeof pkg.version === "string" ? pkg.version : "0.0.0", entry };
}
