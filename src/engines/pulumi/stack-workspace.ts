/**
 * The Automation API's view of one fleet stack: a LocalWorkspace with an
 * inline program made from the resolved fleet file, a `file://` backend and a
 * PULUMI_HOME of fleet's own under FLEET_HOME, run offline (no update checks,
 * no plugin downloads) with the passphrase secrets provider. `@pulumi/pulumi`
 * is imported here, on this path only.
 */
import { basename, delimiter, dirname, join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation/index.js";
import type { FleetEnv } from "../../core/env.ts";
import { usageError } from "../../core/errors.ts";
import type { DesiredState } from "../../core/model.ts";
import { NAME_PATTERN } from "../../core/names.ts";
import { mkdirPrivate } from "../../core/private-files.ts";
import { declareFleet } from "./declare-fleet.ts";
import { findPulumiBin, fleetPluginBin } from "./pulumi-binary.ts";
import { HOST_LOCKS_HELD_ENV, REPORT_FILE_ENV } from "./provider/operation-context.ts";
import { PULUMI_PROJECT } from "./resource-types.ts";

export interface PulumiPaths {
  root: string;
  home: string;
  backendUrl: string;
}

export function pulumiPaths(env: FleetEnv): PulumiPaths {
  const root = join(env.home, "pulumi");
  return {
    root,
    home: join(root, "home"),
    backendUrl: `file://${join(root, "state")}`,
  };
}

/**
 * The stack a fleet file applies to: `--stack`, else NAME for a file under
 * `stacks/NAME/` (the layout the root Pulumi.yaml reads), else the fleet's name.
 */
export function stackNameFor(desired: DesiredState, explicit?: string): string {
  const name = explicit ?? defaultStack(desired);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw usageError(`"${name}" is not a valid stack name: use letters, digits, -, _ and .`);
  }
  return name;
}

function defaultStack(desired: DesiredState): string {
  const dir = dirname(desired.source);
  if (basename(dirname(dir)) === "stacks" && NAME_PATTERN.test(basename(dir))) return basename(dir);
  return desired.fleet;
}

/**
 * fleet's stacks hold no secret value (secrets travel as names), so unless the
 * user sets a passphrase of their own, it is empty: anyone may read the stacks'
 * config, as they may read the fleet file, and a committed stack file
 * (stacks/Pulumi.NAME.yaml, with its encryptionsalt) works on every machine.
 */
function passphraseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return {};
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return {};
  return { PULUMI_CONFIG_PASSPHRASE: "" };
}

export interface OpenStackOptions {
  desired: DesiredState;
  env: FleetEnv;
  stackName: string;
  /** Agents to import, by name (HOST/NAME ids); read when the program runs, so it may be filled after opening. */
  adopt?: ReadonlyMap<string, string>;
  /** The provider appends what it saved here. */
  reportFile: string;
  processEnv?: NodeJS.ProcessEnv;
}

export interface OpenedStack {
  stack: Stack;
  paths: PulumiPaths;
  envVars: Record<string, string>;
}

export async function openStack(options: OpenStackOptions): Promise<OpenedStack> {
  const processEnv = options.processEnv ?? process.env;
  const paths = pulumiPaths(options.env);
  const pulumiBin = findPulumiBin(processEnv);
  const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation/index.js");
  await mkdirPrivate(paths.home);
  await mkdirPrivate(join(paths.root, "state"));
  // fleet's own project directory: stack files written there never touch a checkout.
  const projectDir = join(paths.root, "project");
  await mkdirPrivate(projectDir);
  const envVars: Record<string, string> = {
    PULUMI_HOME: paths.home,
    PULUMI_BACKEND_URL: paths.backendUrl,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    FLEET_HOME: options.env.home,
    FLEET_PREFIX: options.env.prefix,
    [HOST_LOCKS_HELD_ENV]: "1",
    [REPORT_FILE_ENV]: options.reportFile,
    PATH: [fleetPluginBin(), pulumiBin, processEnv.PATH ?? ""].join(delimiter),
    ...passphraseEnv(processEnv),
  };
  const pulumiCommand = await PulumiCommand.get({
    root: dirname(pulumiBin),
    skipVersionCheck: true,
  });
  const { desired, adopt } = options;
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: options.stackName,
      projectName: PULUMI_PROJECT,
      program: () => {
        declareFleet(desired, adopt === undefined ? {} : { adopt });
        return Promise.resolve();
      },
    },
    {
      workDir: projectDir,
      pulumiHome: paths.home,
      pulumiCommand,
      envVars,
      secretsProvider: "passphrase",
      projectSettings: {
        name: PULUMI_PROJECT,
        runtime: "nodejs",
        backend: { url: paths.backendUrl },
      },
    },
  );
  return { stack, paths, envVars };
}
