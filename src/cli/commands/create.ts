import { resolve } from "node:path";
import { createAgent } from "../../core/host/index.ts";
import { resolveAdHocAgent } from "../../core/config/ad-hoc.ts";
import { findFleetFile } from "../../core/config/load.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import type { AgentSpec, HostSpec } from "../../core/model.ts";
import { getAgentType, getProvider } from "../../core/registry.ts";
import { resolveSecrets } from "../../core/secrets.ts";
import { knownHosts } from "../../core/state/known-hosts.ts";
import { rememberLocation } from "../../core/state/location-cache.ts";
import { suggest } from "../../core/suggest.ts";
import { withHostLock } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";
import { attachCommand } from "../../core/host/index.ts";

interface CreateOptions extends CommonOptions {
  file?: string;
  agent?: string;
  host?: string;
  template?: string;
  command?: string;
  workdir?: string;
  env?: string[];
  secret?: string[];
  message?: string;
  connect: boolean;
}

export async function run(name: string, args: string[], options: CreateOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const started = performance.now();
  const fleetFile = optionalFleetFile(options.file);
  const resolved = await resolveAdHocAgent(
    {
      name,
      agent: options.agent ?? (options.template === undefined ? "command" : undefined),
      host: options.host,
      template: options.template,
      command: options.command,
      message: options.message,
      args: args.length > 0 ? args : undefined,
    },
    { cwd: process.cwd(), ...(fleetFile ? { fleetFile } : {}), env: process.env },
  );
  const type = await getAgentType(resolved.spec.agent);
  const host = await findHost(resolved.host, context.env);
  const spec: AgentSpec = {
    ...resolved.spec,
    ...(type.requiresCommand && resolved.spec.command === undefined
      ? { command: process.env.SHELL ?? "bash" }
      : {}),
    env: { ...resolved.spec.env, ...parseEnv(options.env ?? []) },
    secrets: [...new Set([...resolved.spec.secrets, ...(options.secret ?? [])])],
    ...(options.workdir
      ? { workdir: { from: resolve(options.workdir), branch: `fleet/${name}` } }
      : {}),
  };
  const secrets = resolveSecrets(spec.secrets, process.env);
  const handle = { provider: await getProvider(host.provider), host, ctx: context };

  const agent = await withHostLock(handle, async () => {
    const existing = (await handle.provider.discover([host], context)).agents.find(
      (a) => a.name === name,
    );
    if (existing) {
      throw new FleetError(
        "AGENT_EXISTS",
        `an agent named "${name}" already exists on host ${host.name} (${existing.state})`,
        {
          hint: `connect to it with \`fleet connect ${name}\`, or pick another name`,
        },
      );
    }
    return createAgent(handle, spec, { fleet: null, secrets });
  });
  rememberLocation(context.env, agent.name, agent.host);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (context.format === "json") {
    printJson({
      created: {
        name: agent.name,
        host: agent.host,
        state: agent.state,
        workdir: agent.workdir ?? null,
        ports: agent.ports ?? {},
      },
    });
    return;
  }
  process.stderr.write(`Created agent ${name} on ${host.name} in ${seconds}s.\n`);
  if (options.connect && process.stdin.isTTY && process.stdout.isTTY) {
    process.exitCode = await spawnInteractive(await attachCommand(handle, name));
  } else {
    process.stderr.write(`Connect with: fleet connect ${name}\n`);
  }
}

/** The host from the fleet file if it declared it, else one this controller knows. */
async function findHost(
  declared: HostSpec,
  env: ReturnType<typeof cliContext>["env"],
): Promise<HostSpec> {
  const hosts = await knownHosts(env, [declared]);
  const name = declared.name;
  const host = hosts.find((h) => h.name === name);
  if (host) return host;
  const near = suggest(
    name,
    hosts.map((h) => h.name),
  );
  throw new FleetError("HOST_NOT_FOUND", `unknown host "${name}"`, {
    hint: near ? `did you mean "${near}"?` : `known hosts: ${hosts.map((h) => h.name).join(", ")}`,
  });
}

function optionalFleetFile(explicit: string | undefined): string | undefined {
  try {
    return findFleetFile(process.cwd(), explicit);
  } catch (error) {
    if (explicit !== undefined) throw error;
    return undefined;
  }
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--env expects KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
