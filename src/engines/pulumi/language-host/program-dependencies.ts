/**
 * The program's dependencies for `pulumi about`: package.json's dependencies, each
 * with the version installed (node_modules, found from the program's directory
 * upwards) or, when not installed, the range package.json asks for.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface Dependency {
  name: string;
  version: string;
}

export function programDependencies(programDirectory: string): Dependency[] {
  const manifestPath = findUp(programDirectory, "package.json");
  if (manifestPath === undefined) return [];
  const manifest = readJson(manifestPath);
  const wanted = stringRecord(manifest?.dependencies);
  const dependencies: Dependency[] = [];
  for (const [name, range] of Object.entries(wanted).sort(([a], [b]) => a.localeCompare(b))) {
    const installed = findUp(dirname(manifestPath), join("node_modules", name, "package.json"));
    const version = installed === undefined ? undefined : readJson(installed)?.version;
    dependencies.push({ name, version: typeof version === "string" ? version : range });
  }
  return dependencies;
}

function findUp(start: string, relative: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return value !== null && typeof value === "object"
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string") out[key] = entry;
  }
  return out;
}
