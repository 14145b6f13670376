/**
 * What one Run asks for, as plain values: read off the engine's RunRequest (and
 * what the Handshake and the command line said), so that building the program's
 * command line needs no protobuf.
 */
import { isAbsolute, resolve } from "node:path";
import { runtimeOptions, type languagePb } from "./proto.ts";

export interface RunSpec {
  project: string;
  stack: string;
  organization: string;
  /** Where the program runs (the engine's pwd; Pulumi.yaml's `main` directory). */
  programDirectory: string;
  /** Where Pulumi.yaml is. */
  rootDirectory: string;
  /** The program, relative to programDirectory: "." means package.json's main, or index. */
  entryPoint: string;
  /** Arguments to the program itself. */
  args: string[];
  /** Config values by key ("project:name"), as the engine sends them. */
  config: Record<string, string>;
  /** The config keys whose values are secrets. */
  secretKeys: string[];
  dryRun: boolean;
  parallel: number;
  monitorAddress: string;
  engineAddress: string | undefined;
  tracing: string | undefined;
  /** Extra Node options, from Pulumi.yaml `runtime.options.nodeargs`. */
  nodeArgs: string[];
}

/** What the host knows besides the request. */
export interface HostContext {
  engineAddress: string | undefined;
  tracing: string | undefined;
  /** From the Handshake, when the CLI made one. */
  rootDirectory: string | undefined;
  programDirectory: string | undefined;
}

export function runSpecFrom(req: languagePb.RunRequest, host: HostContext): RunSpec {
  const info = req.getInfo();
  const programDirectory = absolute(
    info?.getProgramDirectory() || req.getPwd() || host.programDirectory || process.cwd(),
  );
  const rootDirectory = absolute(
    info?.getRootDirectory() || host.rootDirectory || programDirectory,
  );
  const config: Record<string, string> = {};
  for (const [key, value] of req.getConfigMap().entries()) config[key] = value;
  const options = runtimeOptions(info);
  return {
    project: req.getProject(),
    stack: req.getStack(),
    organization: req.getOrganization(),
    programDirectory,
    rootDirectory,
    entryPoint: info?.getEntryPoint() || req.getProgram() || ".",
    args: req.getArgsList(),
    config,
    secretKeys: req.getConfigsecretkeysList(),
    dryRun: req.getDryrun(),
    parallel: req.getParallel(),
    monitorAddress: req.getMonitorAddress(),
    engineAddress: host.engineAddress,
    tracing: host.tracing,
    nodeArgs: splitNodeArgs(options.nodeargs),
  };
}

/** `nodeargs` is one string of options separated by spaces, as in Pulumi.yaml. */
export function splitNodeArgs(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return value.split(/\s+/).filter((part) => part !== "");
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
