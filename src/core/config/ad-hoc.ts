/**
 * One agent from command-line flags (`fleet create NAME --template T --host H`),
 * resolved with the same templates and rules as a fleet file. The templates and
 * hosts of a fleet file, when one is given, are usable; its defaults are not
 * (an ad-hoc agent belongs to no fleet).
 */
import { dirname, join } from "node:path";
import { usageError } from "../errors.ts";
import type { AgentSpec, HostSpec } from "../model.ts";
import { configInvalid, toProblems } from "./problems.ts";
import type { ConfigProblem, Finding } from "./problems.ts";
import { readFleetSource, validateFleetSource } from "./load.ts";
import { resolveFleet } from "./resolve.ts";
import { checkFleet } from "./rules.ts";
import { fleetSchemas, NAME_PATTERN, NAME_RULE } from "./schema.ts";
import type { AgentConfig, FleetConfig } from "./schema.ts";
import { schemaFindings } from "./schema-issues.ts";
import { fleetHomeDir } from "../env.ts";

export interface AdHocAgent {
  name: string;
  agent?: string;
  host?: string;
  template?: string;
  command?: string;
  message?: string;
  args?: string[];
}

export interface AdHocOptions {
  /** Relative paths (a template's workdir) resolve against this when there is no fleet file. */
  cwd: string;
  /** A fleet file whose templates and hosts the agent may use. */
  fleetFile?: string;
  /** HOME for `~` in paths. */
  env?: NodeJS.ProcessEnv;
}

export const COMMAND_LINE = "(command line)";

/**
 * The agent's resolved spec and its host. Throws USAGE for an invalid name and
 * CONFIG_INVALID for anything else, flags named as `--template` and so on.
 */
export async function resolveAdHocAgent(
  input: AdHocAgent,
  options: AdHocOptions,
): Promise<{ spec: AgentSpec; host: HostSpec }> {
  const { name, ...fields } = input;
  if (!NAME_PATTERN.test(name)) throw usageError(`invalid agent name "${name}": ${NAME_RULE}`);
  const source =
    options.fleetFile === undefined
      ? undefined
      : await readFleetSource(options.fleetFile, options.env ?? process.env);
  const file: FleetConfig | undefined = source ? validateFleetSource(source) : undefined;

  const defined = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  );
  const agent = plainFlags(defined) ?? parseFlags(defined);
  const config: FleetConfig = {
    version: 1,
    name: file?.name ?? "ad-hoc",
    ...(file?.templates === undefined ? {} : { templates: file.templates }),
    ...(file?.hosts === undefined ? {} : { hosts: file.hosts }),
    agents: { [name]: agent },
  };
  const home = options.env?.HOME;
  const resolution = resolveFleet(config, {
    file: source?.file ?? join(options.cwd, COMMAND_LINE),
    baseDir: source ? dirname(source.file) : options.cwd,
    ...(home === undefined || home === "" ? {} : { home }),
  });
  const findings = [
    ...resolution.findings,
    ...checkFleet(config, resolution, { fleetHome: fleetHomeDir(options.env ?? process.env) }),
  ];
  if (findings.length > 0) {
    const own = findings.filter((finding) => finding.path[0] === "agents");
    const inFile = findings.filter((finding) => finding.path[0] !== "agents");
    throw configInvalid([
      ...flagProblems(own, ["agents", name]),
      ...(source ? toProblems(inFile, source.file, source.locate) : []),
    ]);
  }
  const spec = resolution.desired.agents[0];
  const host = resolution.desired.hosts.find((candidate) => candidate.name === spec?.host);
  if (!spec || !host) throw new Error(`ad-hoc agent "${name}" did not resolve`);
  return { spec, host };
}

/** The flags through the agent schema: its findings, as flags, when they are wrong. */
function parseFlags(defined: Record<string, unknown>): AgentConfig {
  const agentSchema = fleetSchemas().agent;
  const parsed = agentSchema.safeParse(defined, { reportInput: true });
  if (!parsed.success) {
    throw configInvalid(flagProblems(schemaFindings(agentSchema, parsed.error.issues), []));
  }
  return parsed.data;
}

const NON_EMPTY_FLAGS = ["template", "host", "agent", "command"] as const;
const PLAIN_FLAGS = new Set<string>([...NON_EMPTY_FLAGS, "args", "message"]);

/**
 * The flags as the agent schema returns them (its fields in its order), when
 * they are plainly valid: non-empty strings, any message, string arguments.
 * Anything else is left to the schema, for its findings. This spares `fleet
 * create` loading zod and building the schemas, more than a tenth of its time.
 */
export function plainFlags(defined: Record<string, unknown>): AgentConfig | undefined {
  if (Object.keys(defined).some((key) => !PLAIN_FLAGS.has(key))) return undefined;
  const agent: AgentConfig = {};
  for (const key of NON_EMPTY_FLAGS) {
    const value = defined[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") return undefined;
    agent[key] = value;
  }
  const { args, message } = defined;
  if (args !== undefined) {
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) return undefined;
    agent.args = [...args];
  }
  if (message !== undefined) {
    if (typeof message !== "string") return undefined;
    agent.message = message;
  }
  return agent;
}

/** Problems with the flags: `agents.x.template` becomes `--template`. */
function flagProblems(findings: readonly Finding[], prefix: readonly string[]): ConfigProblem[] {
  return findings.map((finding) => {
    const field = finding.path[prefix.length];
    return {
      file: COMMAND_LINE,
      line: null,
      column: null,
      path: field === undefined ? "" : field === "args" ? "ARGS" : `--${String(field)}`,
      message: finding.message,
    };
  });
}
