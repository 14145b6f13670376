/**
 * What the SDK declares, resolved by fleet's own loader: a fleet file (YAML or
 * TypeScript) or a `defineFleet` value goes through the same schema, templates,
 * defaults, rules and provider checks as `fleet validate`; a single Host or
 * Agent is resolved as a one-host (or one-agent) fleet file would be. Nothing
 * here is a second resolver, and no secret value is ever read: secrets stay names.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  findFleetFile,
  loadFleetFile,
  resolveFleetSource,
  validateFleetSource,
  validateHostsWithProviders,
  type FleetSource,
} from "../core/config/load.ts";
import type { AgentInput, FleetInput, HostInput, TemplateInput } from "../core/config/schema.ts";
import { FleetError } from "../core/errors.ts";
import type { AgentSpec, DesiredState, HostSpec } from "../core/model.ts";

export interface LoadOptions {
  /**
   * Relative paths resolve against this: a fleet file's path, and the `workdir`,
   * `build` and `identityFile` of a `defineFleet` value or an SDK resource (a
   * fleet file's own paths are relative to the file, as always). Default: the
   * working directory, which is the Pulumi project's directory under `pulumi up`.
   */
  baseDir?: string;
  /** Where HOME (for `~`) and FLEET_HOME are read; default `process.env`. Secrets are never read. */
  env?: NodeJS.ProcessEnv;
}

/** The source named in problems with a `defineFleet` value given to `declareFleet`. */
export const PROGRAM_SOURCE = "(pulumi program)";

const baseDirOf = (options: LoadOptions): string => resolve(options.baseDir ?? process.cwd());

/**
 * A fleet file (a path, or a directory holding fleet.yaml / fleet.ts) or a
 * `defineFleet` value, resolved and checked exactly as `fleet validate` does.
 * Throws FleetError CONFIG_NOT_FOUND or CONFIG_INVALID (every problem listed).
 */
export async function loadFleet(
  from: string | FleetInput,
  options: LoadOptions = {},
): Promise<DesiredState> {
  const env = options.env ?? process.env;
  const baseDir = baseDirOf(options);
  const desired =
    typeof from === "string"
      ? await loadFleetFile(fleetFilePath(baseDir, from), env)
      : resolveValue(from, join(baseDir, PROGRAM_SOURCE), env);
  await validateHostsWithProviders(desired);
  return desired;
}

function fleetFilePath(baseDir: string, path: string): string {
  const full = resolve(baseDir, path);
  let directory = false;
  try {
    directory = statSync(full).isDirectory();
  } catch {
    // Not there: findFleetFile says so, with its hint.
  }
  return directory ? findFleetFile(full) : findFleetFile(baseDir, path);
}

function resolveValue(data: FleetInput, file: string, env: NodeJS.ProcessEnv): DesiredState {
  const source: FleetSource = { file, data, locate: undefined };
  return resolveFleetSource(source, validateFleetSource(source), env).desired;
}

/** A resolved host written back as a fleet file's host entry (its paths are absolute by now). */
export function hostInputOf(spec: HostSpec): HostInput {
  return {
    ...(spec.config as Omit<HostInput, "provider" | "network" | "resources">),
    provider: spec.provider,
    ...(spec.network === undefined ? {} : { network: spec.network }),
    ...(spec.resources === undefined ? {} : { resources: spec.resources }),
  };
}

export interface HostToResolve {
  fleet: string;
  /** The host's name in fleet (what agents' `host` says). */
  name: string;
  input: HostInput;
}

/**
 * One host, as `hosts.NAME` of a fleet file `fleet` would resolve it: the
 * schema and rules only, no provider loaded (so it can run in a constructor).
 * Throws CONFIG_INVALID.
 */
export function resolveHostNow(host: HostToResolve, options: LoadOptions = {}): HostSpec {
  return hostOf(hostFleet(host, options), host.name);
}

/** resolveHostNow, then the host's provider checks (its fields, its network policy). */
export async function resolveHost(
  host: HostToResolve,
  options: LoadOptions = {},
): Promise<HostSpec> {
  const desired = hostFleet(host, options);
  await validateHostsWithProviders(desired);
  return hostOf(desired, host.name);
}

function hostFleet(host: HostToResolve, options: LoadOptions): DesiredState {
  const data: FleetInput = { version: 1, name: host.fleet, hosts: { [host.name]: host.input } };
  const file = join(baseDirOf(options), `fleet.Host(${host.name})`);
  return resolveValue(data, file, options.env ?? process.env);
}

const hostOf = (desired: DesiredState, name: string): HostSpec =>
  found(
    desired.hosts.find((h) => h.name === name),
    `host ${name}`,
  );

export interface AgentToResolve {
  fleet: string;
  name: string;
  /** The agent's fields as a fleet file writes them, without `host`. */
  input: Omit<AgentInput, "host">;
  /** The resolved host it runs on. */
  host: HostSpec;
  /** Templates the agent may name besides the built-in ones. */
  templates?: Record<string, TemplateInput>;
}

export interface ResolvedAgent {
  agent: AgentSpec;
  host: HostSpec;
}

/**
 * One agent, as `agents.NAME` of a fleet file holding its host (and the given
 * templates) would resolve it: templates and defaults applied, paths absolute,
 * the rules checked; no provider loaded. Throws CONFIG_INVALID.
 */
export function resolveAgentNow(agent: AgentToResolve, options: LoadOptions = {}): ResolvedAgent {
  return agentOf(agentFleet(agent, options), agent);
}

/** resolveAgentNow, then the provider checks (a network policy its host cannot enforce...). */
export async function resolveAgent(
  agent: AgentToResolve,
  options: LoadOptions = {},
): Promise<ResolvedAgent> {
  const desired = agentFleet(agent, options);
  await validateHostsWithProviders(desired);
  return agentOf(desired, agent);
}

function agentFleet(agent: AgentToResolve, options: LoadOptions): DesiredState {
  const data: FleetInput = {
    version: 1,
    name: agent.fleet,
    ...(agent.templates === undefined ? {} : { templates: agent.templates }),
    hosts: { [agent.host.name]: hostInputOf(agent.host) },
    agents: { [agent.name]: { ...agent.input, host: agent.host.name } },
  };
  const file = join(baseDirOf(options), `fleet.Agent(${agent.name})`);
  return resolveValue(data, file, options.env ?? process.env);
}

function agentOf(desired: DesiredState, agent: AgentToResolve): ResolvedAgent {
  return {
    agent: found(
      desired.agents.find((a) => a.name === agent.name),
      `agent ${agent.name}`,
    ),
    host: hostOf(desired, agent.host.name),
  };
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new FleetError("INTERNAL", `fleet's resolver left out ${what}`, { fault: "system" });
  }
  return value;
}
