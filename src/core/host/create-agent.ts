/**
 * Creating an agent: work dir, then one launch script (ports, files, tmux,
 * record, event, and the first message for agents ready at once). Idempotent: a
 * live agent with the same spec is returned as it is; a stopped, missing or
 * finished one is started again in its old work dir.
 */
import { busForLaunch } from "../bus/join.ts";
import type { AgentType } from "../contracts/agent-type.ts";
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { AgentSpec, LiveAgent } from "../model.ts";
import { getAgentType } from "../registry.ts";
import { specHash } from "../spec-hash.ts";
import { agentPaths, assertAgentName, sessionName, type AgentRecord } from "./agent-record.ts";
import { openHost, runScript, type HostHandle } from "./handle.ts";
import { deliveryFailure } from "./delivery.ts";
import { earlyExitError } from "./early-exit.ts";
import { exitWindowMs, launchScript, type LaunchInput } from "./launch.ts";
import { foreignSessionError } from "./own-session.ts";
import { launchedServices } from "./services.ts";
import { assertTypeable } from "../text/message-check.ts";
import { deliver, turnSignals, waitForReady } from "./message.ts";
import { readAgent, recordProblem } from "./read-agent.ts";
import { sections } from "./script-output.ts";
import { beforeCreate, undoCreate } from "./undo-create.ts";

export interface CreateAgentOptions {
  /** The owning fleet, or null for `fleet create`. */
  fleet: string | null;
  /** Values of spec.secrets, by name (see resolveSecrets). */
  secrets: Record<string, string>;
}

export async function createAgent(
  h: HostHandle,
  spec: AgentSpec,
  options: CreateAgentOptions,
): Promise<LiveAgent> {
  assertAgentName(spec.name);
  const type = await getAgentType(spec.agent);
  checkSpec(spec, type);
  const secrets = pickSecrets(spec, options.secrets);
  const { transport, prefix } = await openHost(h);
  const session = sessionName(prefix, spec.name);
  const paths = agentPaths(transport.fleetDir, spec.name);
  const start = await beforeCreate(spec, h.provider.name);
  let workdir: string;
  try {
    workdir = await h.provider.prepareWorkdir(h.host, spec, paths.dir, h.ctx);
  } catch (error) {
    await undoCreate(transport, paths, session, start).catch(() => undefined);
    throw error;
  }
  const now = new Date().toISOString();
  const record: AgentRecord = {
    version: 1,
    name: spec.name,
    host: h.host.name,
    provider: h.provider.name,
    fleet: options.fleet,
    spec,
    specHash: specHash(spec),
    state: "running",
    createdAt: now,
    startedAt: now,
    workdir,
    ports: {},
  };
  const typedAtOnce = spec.message !== undefined && spec.message !== "" && !type.readiness.pattern;
  const bus = await busForLaunch(h, record);
  const launch: LaunchInput = {
    fleetDir: transport.fleetDir,
    home: h.ctx.env.home,
    session,
    record,
    type,
    secrets,
    event: { type: "created", details: { fleet: options.fleet, specHash: record.specHash } },
    mode: "fresh",
    ...(typedAtOnce ? { message: spec.message } : {}),
    ...(bus ? { bus } : {}),
  };

  let ports: Awaited<ReturnType<typeof launchAgent>>;
  try {
    ports = await launchAgent(transport, launch, spec.name);
  } catch (error) {
    // Undone only when no record and no session exist: what was there stays.
    await undoCreate(transport, paths, session, start).catch(() => undefined);
    throw error;
  }
  if (ports === "exists") {
    const existing = await readAgent(h, spec.name);
    // A record fleet cannot trust: never replaced.
    if (existing.problem) throw recordProblem(existing.problem);
    if (existing.foreignSession) throw foreignSessionError(session, spec.name, h.host.name);
    if (!existing.record && existing.sessionExists) {
      // fleet's session whose record is gone or unreadable: not replaced blind.
      throw new FleetError(
        "AGENT_RECORD_MISSING",
        `agent ${spec.name} has a running session on host ${h.host.name} but no readable record; it was left running`,
        {
          hint: `look at it with \`fleet connect ${spec.name}\`, then \`fleet destroy ${spec.name}\` to start over`,
        },
      );
    }
    const live = existing.live;
    if (existing.record && existing.record.fleet !== options.fleet) {
      throw ownedElsewhere(spec.name, h.host.name, existing.record.fleet);
    }
    if (live && (live.state === "RUNNING" || live.state === "WAITING")) {
      if (live.specHash === record.specHash) return live;
      throw new FleetError(
        "AGENT_EXISTS",
        `agent ${spec.name} is already running on host ${h.host.name} with a different spec`,
        { hint: "stop or destroy it first, or let `fleet apply` replace it" },
      );
    }
    record.createdAt = existing.record?.createdAt ?? now;
    record.ports = existing.record?.ports ?? {};
    launch.mode = "replace";
    ports = await launchAgent(transport, launch, spec.name);
    if (ports === "exists") throw new Error("unreachable: replace never reports exists");
  }
  if (ports === "foreign") throw foreignSessionError(session, spec.name, h.host.name);
  record.ports = ports;

  if (spec.message !== undefined && spec.message !== "" && !typedAtOnce) {
    await waitForReady(transport, session, type, spec.name);
    await deliver(transport, session, spec.name, type, spec.message, {
      signals: turnSignals(type, spec),
      waitMs: type.readiness.timeoutMs,
    });
  }
  const startedAt = record.startedAt ?? now;
  return {
    name: spec.name,
    host: h.host.name,
    provider: h.provider.name,
    fleet: options.fleet,
    specHash: record.specHash,
    spec,
    state: "RUNNING",
    createdAt: record.createdAt,
    startedAt,
    lastActivity: Date.parse(startedAt),
    attached: false,
    workdir,
    ports,
    services: launchedServices(spec.services, ports),
  };
}

/**
 * Runs a launch script; the ports it allocated, "exists" in fresh mode, or
 * "foreign" when a session of the agent's name is not fleet's (nothing was done).
 */
export async function launchAgent(
  transport: Transport,
  input: LaunchInput,
  name: string,
): Promise<Record<string, number> | "exists" | "foreign"> {
  const { script, input: stdin } = launchScript(input);
  const result = await runScript(transport, `starting agent ${name}`, script, { input: stdin });
  const parts = sections(result.stdout);
  if (parts.has("exists")) return "exists";
  if (parts.has("foreign")) return "foreign";
  const exited = earlyExitError(parts, {
    name,
    host: input.record.host,
    windowMs: exitWindowMs(input.type),
  });
  if (exited) throw exited;
  if (input.message !== undefined && input.message !== "") {
    const failure = deliveryFailure(name, result.stdout, 0);
    if (failure) throw failure;
  }
  const ports: Record<string, number> = {};
  for (const line of parts.get("ports") ?? []) {
    const [service, port] = line.split(" ");
    if (service !== undefined && port !== undefined) ports[service] = Number(port);
  }
  return ports;
}

export function checkSpec(spec: AgentSpec, type: AgentType): void {
  if (spec.message !== undefined) assertTypeable(spec.message, `agent ${spec.name}: message`);
  if (type.requiresCommand && (spec.command === undefined || spec.command.trim() === "")) {
    throw new FleetError(
      "COMMAND_REQUIRED",
      `agent ${spec.name}: agent type "${type.name}" needs a command`,
      {
        hint: 'set `command:` to the shell command line to run, e.g. command: "tail -F app.log"',
      },
    );
  }
}

/** The secrets the spec names, each required; extra values passed in are ignored. */
export function pickSecrets(
  spec: AgentSpec,
  values: Record<string, string>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of spec.secrets) {
    const value = values[name];
    if (value === undefined) missing.push(name);
    else picked[name] = value;
  }
  if (missing.length > 0) {
    throw new FleetError(
      "SECRET_MISSING",
      `agent ${spec.name} needs secret ${missing.map((m) => `$${m}`).join(", ")}, which is not set`,
      { hint: `export ${missing.join(", ")} in the environment fleet runs in` },
    );
  }
  return picked;
}

const ownedElsewhere = (name: string, host: string, fleet: string | null): FleetError =>
  new FleetError(
    "AGENT_EXISTS",
    `an agent named ${name} already exists on host ${host}, owned by ${fleet === null ? "no fleet (made with `fleet create`)" : `fleet "${fleet}"`}`,
    { hint: "pick another name, or destroy the other agent first" },
  );
