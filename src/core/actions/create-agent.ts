/**
 * `fleet create` and the MCP `create_agent` tool: one agent owned by no fleet
 * file, resolved with the same templates and rules as a fleet file's (the fleet
 * file here, when there is one, lends its templates and hosts), on a known host
 * or on a new docker host started from a snapshot image.
 */
import { resolve } from "node:path";
import type { ProviderContext } from "../contracts/provider.ts";
import { resolveAdHocAgent } from "../config/ad-hoc.ts";
import { findFleetFile, loadFleetFile } from "../config/load.ts";
import type { FleetEnv } from "../env.ts";
import { FleetError, usageError } from "../errors.ts";
import { createAgent } from "../host/create-agent.ts";
import type { HostHandle } from "../host/handle.ts";
import { readAgent } from "../host/read-agent.ts";
import type { AgentSpec, HostSpec, LiveAgent } from "../model.ts";
import { getProvider } from "../registry.ts";
import { resolveSecrets } from "../secrets.ts";
import { knownHosts, knownHostsInStages, rememberHosts } from "../state/known-hosts.ts";
import { rememberLocation } from "../state/location-cache.ts";
import { suggest } from "../suggest.ts";
import { withHostLock } from "./agent-target.ts";
import { recordHostEvent } from "../events/journal.ts";

export interface CreateAgentRequest {
  name: string;
  /** Passed to the agent (after `--` on the command line). */
  args?: string[];
  /** Agent type; the configured `agent` (else `command`) when neither it nor a template is given. */
  agent?: string;
  /** Host name (default: the configured `host`, else local; with `snapshot`, the new host's name, default the agent's). */
  host?: string;
  template?: string;
  /** The fleet file whose templates and hosts may be used (default: fleet.yaml/fleet.ts in cwd, if any). */
  file?: string;
  command?: string;
  /** Work dir source, relative to cwd. */
  workdir?: string;
  env?: Record<string, string>;
  /** Names of variables passed from `env` below, never shown. */
  secrets?: string[];
  message?: string;
  /** Start a new docker host from this snapshot image. */
  snapshot?: string;
}

export interface CreateAgentWhere {
  /** Relative paths (workdir, fleet file) resolve against this. */
  cwd: string;
  /** The caller's environment: secrets, SHELL and HOME come from it. */
  env: NodeJS.ProcessEnv;
}

export interface CreatedAgent {
  agent: LiveAgent;
  host: HostSpec;
  handle: HostHandle;
}

export async function createAdHocAgent(
  request: CreateAgentRequest,
  ctx: ProviderContext,
  where: CreateAgentWhere,
): Promise<CreatedAgent> {
  const { name } = request;
  const fleetFile = optionalFleetFile(where.cwd, request.file);
  // A template's own type wins over the configured default (fleet config agent).
  const agentType =
    request.agent ??
    (request.template === undefined ? (ctx.env.settings?.agent ?? "command") : undefined);
  const args = request.args ?? [];
  const resolved = await resolveAdHocAgent(
    {
      name,
      agent: agentType,
      template: request.template,
      // A bare `fleet create NAME` is a shell, like opening a terminal.
      command:
        request.command ??
        (agentType === "command" && request.template === undefined
          ? (where.env.SHELL ?? "bash")
          : undefined),
      message: request.message,
      args: args.length > 0 ? args : undefined,
    },
    { cwd: where.cwd, ...(fleetFile ? { fleetFile } : {}), env: where.env },
  );
  const host = request.snapshot
    ? snapshotHost(request.host ?? name, request.snapshot)
    : await findHost(request.host ?? ctx.env.settings?.host ?? "local", ctx.env, fleetFile);
  const spec: AgentSpec = {
    ...resolved.spec,
    host: host.name,
    env: { ...resolved.spec.env, ...request.env },
    secrets: [...new Set([...resolved.spec.secrets, ...(request.secrets ?? [])])],
    ...(request.workdir
      ? { workdir: { from: resolve(where.cwd, request.workdir), branch: `fleet/${name}` } }
      : {}),
  };
  const secrets = resolveSecrets(spec.secrets, where.env);
  const handle: HostHandle = { provider: await getProvider(host.provider), host, ctx };

  if (request.snapshot) await createSnapshotHost(handle);
  const agent = await withHostLock(handle, async () => {
    // This one agent's record and session, not the whole host's listing.
    const existing = (await readAgent(handle, name)).live;
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
  rememberLocation(ctx.env, agent.name, agent.host);
  // A host found in the fleet file here is then known from anywhere (`fleet host ls`).
  if (!request.snapshot) await rememberHosts(ctx.env, [host]).catch(() => undefined);
  return { agent, host, handle };
}

/** A host this controller knows (remembered, or declared by the fleet file here). */
async function findHost(
  name: string,
  env: FleetEnv,
  fleetFile: string | undefined,
): Promise<HostSpec> {
  // This machine and the remembered hosts are known without asking the providers.
  const { remembered, found } = knownHostsInStages(env);
  let hosts = await remembered;
  let host = hosts.find((h) => h.name === name);
  if (!host) {
    hosts = [...hosts, ...(await found)];
    host = hosts.find((h) => h.name === name);
  }
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
  await recordHostEvent(ctx.env, "host-created", host, "fleet create --snapshot");
  await rememberHosts(ctx.env, [host]);
}

/** The fleet file named, or the one in cwd; none is fine unless one was named. */
function optionalFleetFile(cwd: string, explicit: string | undefined): string | undefined {
  try {
    return findFleetFile(cwd, explicit);
  } catch (error) {
    if (explicit !== undefined) throw error;
    return undefined;
  }
}

/** `KEY=VALUE` words (`--env`) as a record; a word without a key is a usage error. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--env expects KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
