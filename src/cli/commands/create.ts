import { resolve } from "node:path";
import { createAgent } from "../../core/host/index.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import type { AgentSpec, HostSpec } from "../../core/model.ts";
import { getAgentType, getProvider } from "../../core/registry.ts";
import { resolveSecrets } from "../../core/secrets.ts";
import { knownHosts } from "../../core/state/known-hosts.ts";
import { suggest } from "../../core/suggest.ts";
import { withHostLock } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";
import { attachCommand } from "../../core/host/index.ts";

interface CreateOptions extends CommonOptions {
  agent: string;
  host: string;
  template?: string;
  command?: string;
  workdir?: string;
  env?: string[];
  secret?: string[];
  message?: string;
  connect: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60 * 1000;

export async function run(name: string, args: string[], options: CreateOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const started = performance.now();
  if (!NAME.test(name)) {
    throw usageError(
      `invalid agent name "${name}"`,
      "use letters, digits, - and _ (at most 63), starting with a letter or digit",
    );
  }
  const type = await getAgentType(options.agent);
  const host = await findHost(options.host, context.env);
  const spec: AgentSpec = {
    name,
    host: host.name,
    agent: type.name,
    ...(type.requiresCommand ? { command: options.command ?? process.env.SHELL ?? "bash" } : {}),
    args,
    env: parseEnv(options.env ?? []),
    secrets: options.secret ?? [],
    ...(options.workdir ? { workdir: { from: resolve(options.workdir), branch: `fleet/${name}` } } : {}),
    services: [],
    labels: {},
    ...(options.message === undefined ? {} : { message: options.message }),
    idleTimeout: DEFAULT_IDLE_TIMEOUT_MS,
  };
  if (options.command !== undefined && !type.requiresCommand) {
    throw usageError(`--command is only for agent type "command", not "${type.name}"`, "pass the agent's own arguments after --");
  }
  const secrets = resolveSecrets(spec.secrets, process.env);
  const handle = { provider: await getProvider(host.provider), host, ctx: context };

  const agent = await withHostLock(handle, async () => {
    const existing = (await handle.provider.discover([host], context)).agents.find((a) => a.name === name);
    if (existing) {
      throw new FleetError("AGENT_EXISTS", `an agent named "${name}" already exists on host ${host.name} (${existing.state})`, {
        hint: `connect to it with \`fleet connect ${name}\`, or pick another name`,
      });
    }
    return createAgent(handle, spec, { fleet: null, secrets });
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (context.format === "json") {
    printJson({ created: { name: agent.name, host: agent.host, state: agent.state, workdir: agent.workdir ?? null, ports: agent.ports ?? {} } });
    return;
  }
  process.stderr.write(`Created agent ${name} on ${host.name} in ${seconds}s.\n`);
  if (options.connect && process.stdin.isTTY && process.stdout.isTTY) {
    process.exitCode = await spawnInteractive(await attachCommand(handle, name));
  } else {
    process.stderr.write(`Connect with: fleet connect ${name}\n`);
  }
}

async function findHost(name: string, env: ReturnType<typeof cliContext>["env"]): Promise<HostSpec> {
  const hosts = await knownHosts(env);
  const host = hosts.find((h) => h.name === name);
  if (host) return host;
  const near = suggest(name, hosts.map((h) => h.name));
  throw new FleetError("HOST_NOT_FOUND", `unknown host "${name}"`, {
    hint: near ? `did you mean "${near}"?` : `known hosts: ${hosts.map((h) => h.name).join(", ")}`,
  });
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
