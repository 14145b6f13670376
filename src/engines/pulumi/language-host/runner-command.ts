/**
 * The command that runs a Pulumi Node.js program connected to the engine:
 * `node [nodeargs] <@pulumi/pulumi>/cmd/run/index.js <flags> <program> [args]`.
 * That runner (part of the SDK) connects to the resource monitor, wraps the
 * program in the root Stack resource, turns its exports into stack outputs, and
 * exits 32 when it has already logged the program's error to the engine.
 *
 * Its flags are those it parses with minimist (see its usage text); config comes
 * through the environment, PULUMI_CONFIG (a JSON object) and
 * PULUMI_CONFIG_SECRET_KEYS (a JSON array), which the SDK reads.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { RunSpec } from "./run-spec.ts";

const RUNNER = "@pulumi/pulumi/cmd/run/index.js";

export interface RunnerCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The runner of the SDK the program itself uses (its own node_modules, found from
 * its directory upwards), else fleet's own @pulumi/pulumi. Running the program's
 * own copy keeps one SDK in the process: the program's `import "@pulumi/pulumi"`
 * and the runner then share their state.
 */
export function findRunner(programDirectory: string, rootDirectory: string): string {
  for (const dir of [programDirectory, rootDirectory]) {
    const found = resolveFrom(dir);
    if (found !== undefined) return found;
  }
  return createRequire(import.meta.url).resolve(RUNNER);
}

function resolveFrom(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  try {
    // Any file name in the directory will do: resolution starts from its folder.
    return createRequire(join(dir, "__fleet_language_host__.js")).resolve(RUNNER);
  } catch {
    return undefined;
  }
}

export function runnerCommand(
  spec: RunSpec,
  runner: string,
  node: string,
  baseEnv: NodeJS.ProcessEnv,
): RunnerCommand {
  const flags: string[] = [`--monitor=${spec.monitorAddress}`];
  if (spec.engineAddress) flags.push(`--engine=${spec.engineAddress}`);
  if (spec.organization) flags.push(`--organization=${spec.organization}`);
  if (spec.project) flags.push(`--project=${spec.project}`);
  if (spec.stack) flags.push(`--stack=${spec.stack}`);
  flags.push(`--root-directory=${spec.rootDirectory}`);
  flags.push(`--pwd=${spec.programDirectory}`);
  if (spec.dryRun) flags.push("--dry-run");
  if (spec.parallel > 0) flags.push(`--parallel=${spec.parallel}`);
  if (spec.tracing) flags.push(`--tracing=${spec.tracing}`);
  // The runner stops parsing flags at the program (minimist stopEarly): a program
  // argument that looks like a flag is the program's.
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PULUMI_CONFIG: JSON.stringify(spec.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(spec.secretKeys),
  };
  // The runner's ts-node path is not used: Node itself strips TypeScript's types.
  delete env.PULUMI_NODEJS_TYPESCRIPT;
  return {
    command: node,
    args: [...spec.nodeArgs, runner, ...flags, spec.entryPoint, ...spec.args],
    cwd: spec.programDirectory,
    env,
  };
}
