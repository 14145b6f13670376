import { resolve } from "node:path";
import { createAgent } from "../../core/host/index.ts";
import { resolveAdHocAgent } from "../../core/config/ad-hoc.ts";
import { findFleetFile, loadFleetFile } from "../../core/config/load.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import type { AgentSpec, HostSpec } from "../../core/model.ts";
import { getProvider } from "../../core/registry.ts";
import { resolveSecrets } from "../../core/secrets.ts";
import { knownHosts, rememberHosts } from "../../core/state/known-hosts.ts";
import { rememberLocation } from "../../core/state/location-cache.ts";
import { suggest } from "../../core/suggest.ts";
import { withHostLock } from "../agent-target.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";
import { attachCommand, type HostHandle } from "../../core/host/index.ts";

interface CreateOptions extends CommonOptions {
  snapshot?: string;
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
  const agentType = options.agent ?? (options.template === undefined ? "command" : undefined);
  const resolved = await resolveAdHocAgent(
    {
      name,
      agent: agentType,
      template: options.template,
      // A bare `fleet create NAME` is a shell, like opening a terminal.
      command:
        options.command ??
        (agentType === "command" && options.template === undefined
          ? (process.env.SHELL ?? "bash")
          : undefined),
      message: options.message,
      args: args.length > 0 ? args : undefined,
    },
    { cwd: process.cwd(), ...(fleetFile ? { fleetFile } : {}), env: process.env },
  );
  const host = options.snapshot
    ? snapshotHost(options.host ?? name, options.snapshot)
    : await findHost(options.host ?? "local", context.env, fleetFile);
  const spec: AgentSpec = {
    ...resolved.spec,
    host: host.name,
    env: { ...resolved.spec.env, ...parseEnv(options.env ?? []) },
    secrets: [...new Set([...resolved.spec.secrets, ...(options.secret ?? [])])],
    ...(options.workdir
      ? { workdir: { from: resolve(options.workdir), branch: `fleet/${name}` } }
      : {}),
  };
  const secrets = resolveSecrets(spec.secrets, process.env);
  const handle = { provider: await getProvider(host.provider), host, ctx: context };

  if (options.snapshot) await createSnapshotHost(handle);
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
  // A host found in the fleet file here is then known from anywhere (`fleet host ls`).
  if (!options.snapshot) await rememberHosts(context.env, [host]).catch(() => undefined);
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
  printText(`Created agent ${name} on ${host.name} in ${seconds}s.`, "stderr");
  if (options.connect && process.stdin.isTTY && process.stdout.isTTY) {
    process.exitCode = await spawnInteractive(await attachCommand(handle, name));
  } else {
    printText(`Connect with: fleet connect ${name}`, "stderr");
  }
}

/** A host this controller knows (remembered, or declared by the fleet file here). */
async function findHost(
  name: string,
  env: CliContext["env"],
  fleetFile: string | undefined,
): Promise<HostSpec> {
  let hosts = await knownHosts(env);
  let host = hosts.find((h) => h.name === name);
  if (!host && fleetFile) {
    hosts = await knownHosts(env, (await loadFleetFile(fleetFile)).hosts);
    host = hosts.find((h) => h.name === name);
  }
  if (host) return host;
  const near = suggest(
    name,
    hosts.map((h) => h.name),
  );
  throw new FleetError("HOST_NOT_FOUND", `unknown host "${name}"`, {
    hint: near
      ? `did you mean "${near}"?`
      : `known hosts: ${hosts.map((h) => h.name).join(", ")}; declare others in a fleet file`,
  });
}

/** A new docker host, owned by no fleet file, started from a snapshot image. */
function snapshotHost(name: string, image: string): HostSpec {
  return { name, provider: "docker", config: { snapshot: image } };
}

async function createSnapshotHost(handle: HostHandle): Promise<void> {
  const { provider, host, ctx } = handle;
  const problems = provider.validateHost(host);
  if (problems.length > 0) {
    throw usageError(`--snapshot: ${problems.map((p) => p.message).join("; ")}`);
  }
  if ((await knownHosts(ctx.env)).some((h) => h.name === host.name)) {
    throw usageError(
      `a host named "${host.name}" already exists`,
      "pick a new host name with --host, or drop --snapshot to use that host",
    );
  }
  await withHostLock(handle, () => provider.createHost(host, { ...ctx, fleet: null }));
  await rememberHosts(ctx.env, [host]);
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
