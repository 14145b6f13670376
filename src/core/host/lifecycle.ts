/** Stopping, starting and updating an agent in place. Each keeps the work dir. */
import { busForLaunch } from "../bus/join.ts";
import type { AgentSpec, LiveAgent } from "../model.ts";
import { getAgentType } from "../registry.ts";
import { canonicalJson, specHash } from "../spec-hash.ts";
import { agentPaths, type AgentRecord } from "./agent-record.ts";
import { checkSpec, launchAgent, pickSecrets } from "./create-agent.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { foreignSessionError, killOwnSessionLine } from "./own-session.ts";
import { requireAgent } from "./read-agent.ts";
import { launchedServices } from "./services.ts";
import { appendEventLines, writeRecordLines } from "./record-io.ts";

const isUp = (agent: LiveAgent): boolean => agent.state === "RUNNING" || agent.state === "WAITING";

/**
 * Starts a STOPPED, MISSING or DONE agent again from its record: same launcher,
 * same work dir, its old ports where still free. A running agent is left alone.
 */
export async function startAgent(
  h: HostHandle,
  name: string,
  options: { secrets: Record<string, string> },
): Promise<LiveAgent> {
  const agent = await requireAgent(h, name);
  if (isUp(agent.live)) return agent.live;
  const { record: old, transport } = agent;
  const type = await getAgentType(old.spec.agent);
  checkSpec(old.spec, type);
  const secrets = pickSecrets(old.spec, options.secrets);
  const paths = agentPaths(transport.fleetDir, name);
  const workdir = await h.provider.prepareWorkdir(h.host, old.spec, paths.dir, h.ctx);
  const now = new Date().toISOString();
  const { stoppedAt: _stoppedAt, stopReason: _stopReason, ...kept } = old;
  const record: AgentRecord = { ...kept, state: "running", startedAt: now, workdir };
  const bus = await busForLaunch(h, record);
  const ports = await launchAgent(
    transport,
    {
      fleetDir: transport.fleetDir,
      home: h.ctx.env.home,
      session: agent.session,
      record,
      type,
      secrets,
      event: { type: "started", details: { previousState: agent.live.state } },
      mode: "replace",
      ...(bus ? { bus } : {}),
    },
    name,
  );
  if (ports === "exists") throw new Error("unreachable: replace never reports exists");
  if (ports === "foreign") throw foreignSessionError(agent.session, name, h.host.name);
  return {
    ...agent.live,
    state: "RUNNING",
    startedAt: now,
    lastActivity: Date.parse(now),
    workdir,
    ports,
    services: launchedServices(old.spec.services, ports),
    attached: false,
  };
}

/** Ends the agent's session (agent and services), keeps its dir, records why. */
export async function stopAgent(
  h: HostHandle,
  name: string,
  options: { reason: string },
): Promise<LiveAgent> {
  const agent = await requireAgent(h, name);
  if (agent.live.state === "STOPPED" && !agent.sessionExists) return agent.live;
  const paths = agentPaths(agent.transport.fleetDir, name);
  const now = new Date().toISOString();
  const record: AgentRecord = {
    ...agent.record,
    state: "stopped",
    stoppedAt: now,
    stopReason: options.reason,
  };
  await runScript(
    agent.transport,
    `stopping agent ${name}`,
    [
      killOwnSessionLine(agent.session, name),
      ...writeRecordLines(paths, record, h.ctx.env.home),
      ...appendEventLines(paths, "stopped", {
        reason: options.reason,
        previousState: agent.live.state,
      }),
    ].join("\n"),
  );
  const { exitCode: _exitCode, services, ...rest } = agent.live;
  return {
    ...rest,
    state: "STOPPED",
    stoppedAt: now,
    attached: false,
    services: (services ?? []).map(({ name, port }) => ({ name, port, state: "stopped" })),
  };
}

/**
 * Records a changed spec for fields that apply without a restart (labels,
 * message, idleTimeout). The planner decides which changes can be made in place.
 */
export async function updateAgent(h: HostHandle, spec: AgentSpec): Promise<LiveAgent> {
  const agent = await requireAgent(h, spec.name);
  const paths = agentPaths(agent.transport.fleetDir, spec.name);
  // The host name too: a local agent may be declared under another name of this machine.
  const record: AgentRecord = {
    ...agent.record,
    host: h.host.name,
    spec,
    specHash: specHash(spec),
  };
  const changed = changedFields(agent.record.spec, spec);
  await runScript(
    agent.transport,
    `updating agent ${spec.name}`,
    [
      ...writeRecordLines(paths, record, h.ctx.env.home),
      ...appendEventLines(paths, "updated", { fields: changed }),
    ].join("\n"),
  );
  return { ...agent.live, spec, specHash: record.specHash };
}

function changedFields(before: AgentSpec, after: AgentSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  return [...keys].filter((key) => canonicalJson(b[key]) !== canonicalJson(a[key])).sort();
}
