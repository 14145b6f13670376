/**
 * Finding and loading a fleet file: read (YAML or TypeScript), validate against
 * the schema, resolve templates and defaults, check the cross-field rules. Every
 * problem is reported at once, each with its file, line and column.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fleetHomeDir } from "../env.ts";
import { FleetError, isFleetError } from "../errors.ts";
import type { DesiredState } from "../model.ts";
import { configInvalid, toProblems } from "./problems.ts";
import type { Finding, Locate } from "./problems.ts";
import { resolveFleet } from "./resolve.ts";
import type { Resolution } from "./resolve.ts";
import { rememberSource } from "./provider-checks.ts";
import { checkFleet } from "./rules.ts";

export { validateHostsWithProviders } from "./provider-checks.ts";
import { fleetSchemas } from "./schema.ts";
import type { FleetConfig } from "./schema.ts";
import { schemaFindings } from "./schema-issues.ts";
import { FleetModuleError, fleetModuleTimeout, importFleetModule } from "./ts-source.ts";
import { parseYamlSource } from "./yaml-source.ts";

/** Looked for in this order when no file is named. */
export const FLEET_FILE_NAMES = ["fleet.yaml", "fleet.yml", "fleet.ts"] as const;
const MODULE_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);

/** The fleet file to use: `explicit` (-f) resolved against cwd, else the first of FLEET_FILE_NAMES in cwd. */
export function findFleetFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined && explicit !== "") {
    const file = resolve(cwd, explicit);
    if (!isFile(file)) {
      throw new FleetError("CONFIG_NOT_FOUND", `fleet file not found: ${file}`, {
        hint: "check the path given with -f",
      });
    }
    return file;
  }
  for (const name of FLEET_FILE_NAMES) {
    const file = join(cwd, name);
    if (isFile(file)) return file;
  }
  throw new FleetError(
    "CONFIG_NOT_FOUND",
    `no fleet file in ${cwd} (looked for ${FLEET_FILE_NAMES.join(", ")})`,
    { hint: "run `fleet init` to write a starter fleet.yaml, or pass -f FILE" },
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What a fleet file holds, before validation, with a way to place problems in it. */
export interface FleetSource {
  /** Absolute path. */
  file: string;
  data: unknown;
  /** Undefined for TypeScript files: their problems carry no line and column. */
  locate: Locate | undefined;
}

/** Reads and parses a fleet file; throws CONFIG_INVALID for syntax errors and duplicate keys. */
export async function readFleetSource(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<FleetSource> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new FleetError("CONFIG_NOT_FOUND", `fleet file not found: ${file}`, {
      hint: "run `fleet init` to write a starter fleet.yaml, or pass -f FILE",
    });
  }
  if (MODULE_EXTENSIONS.has(extname(file))) {
    try {
      const timeoutMs = fleetModuleTimeout(env);
      return { file, data: await importFleetModule(file, { timeoutMs }), locate: undefined };
    } catch (error) {
      if (isFleetError(error) && error.fault === "system") throw error;
      throw configInvalid(
        toProblems([{ path: [], message: importFailure(error) }], file, undefined),
      );
    }
  }
  const source = parseYamlSource(readFileSync(file, "utf8"));
  if (source.findings.length > 0)
    throw configInvalid(toProblems(source.findings, file, source.locate));
  return { file, data: source.data, locate: source.locate };
}

function importFailure(error: unknown): string {
  if (error instanceof FleetModuleError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `cannot load: ${message}`;
}

/** The validated fleet file, before templates and defaults are applied. Throws CONFIG_INVALID. */
export function validateFleetSource(source: FleetSource): FleetConfig {
  const findings: Finding[] = [];
  if (source.data === null || source.data === undefined) {
    findings.push({
      path: [],
      message: "the fleet file is empty: expected version: 1, name and agents",
    });
  } else if (typeof source.data !== "object" || Array.isArray(source.data)) {
    const what = Array.isArray(source.data) ? "a list" : JSON.stringify(source.data);
    findings.push({
      path: [],
      message: `expected a mapping with version, name and agents, got ${what}`,
    });
  } else {
    const fleetSchema = fleetSchemas().fleet;
    const result = fleetSchema.safeParse(withoutExtensions(source.data), { reportInput: true });
    if (result.success) return result.data;
    findings.push(...schemaFindings(fleetSchema, result.error.issues));
  }
  throw configInvalid(toProblems(findings, source.file, source.locate));
}

/** Top-level `x-...` keys are ignored (Compose-style), so they can hold YAML anchors. */
function withoutExtensions(data: object): object {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith("x-")));
}

/**
 * Templates and defaults applied, cross-field rules checked. Throws CONFIG_INVALID
 * listing every problem.
 */
export function resolveFleetSource(
  source: FleetSource,
  config: FleetConfig,
  env: NodeJS.ProcessEnv = process.env,
): Resolution {
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : undefined;
  const resolution = resolveFleet(config, {
    file: source.file,
    baseDir: dirname(source.file),
    ...(home === undefined ? {} : { home }),
  });
  const findings = [
    ...resolution.findings,
    ...checkFleet(config, resolution, { fleetHome: fleetHomeDir(env) }),
  ];
  if (findings.length > 0) throw configInvalid(toProblems(findings, source.file, source.locate));
  rememberSource(resolution.desired, source.locate, resolution.origins);
  return resolution;
}

/**
 * Loads a fleet file (YAML, or TypeScript default-exporting `defineFleet({...})`)
 * into the desired state. `env` supplies HOME for `~` in paths. Throws FleetError
 * CONFIG_NOT_FOUND or CONFIG_INVALID. Providers are not touched: see
 * `validateHostsWithProviders` for their checks.
 */
export async function loadFleetFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DesiredState> {
  const source = await readFleetSource(path, env);
  return resolveFleetSource(source, validateFleetSource(source), env).desired;
}
