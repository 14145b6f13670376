/** One agent's record and live state, in one round trip, for the operations on it. */
import type { Transport } from "../contracts/transport.ts";
import { FleetError, type FleetErrorJson } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { checkRecord } from "../trust/record-seal.ts";
import { assertAgentName, parseRecord, sessionName, type AgentRecord } from "./agent-record.ts";
import { openHost, runScript, type HostHandle } from "./handle.ts";
import {
  agentPanes,
  parseProbe,
  probeScript,
  sessionWindows,
  toLiveAgent,
  withRecordedExit,
  type PaneInfo,
} from "./probe.ts";

export interface AgentOnHost {
  transport: Transport;
  prefix: string;
  session: string;
  /** The agent's record, only when it verifies (sealed by this controller for this host). */
  record: AgentRecord | undefined;
  /** Why a record that is there cannot be acted on (RECORD_TAMPERED, RECORD_UNREADABLE). */
  problem: FleetErrorJson | undefined;
  /** A TAMPERED record as the host wrote it: for `fleet adopt` to show, never to act on. */
  untrusted: AgentRecord | undefined;
  /** The agent window's pane, when its session exists. */
  pane: PaneInfo | undefined;
  /** True when fleet's session for the agent exists (even without an agent window). */
  sessionExists: boolean;
  /** True when a session of that name exists that fleet did not start: never touched. */
  foreignSession: boolean;
  live: LiveAgent | undefined;
}

export async function readAgent(h: HostHandle, name: string): Promise<AgentOnHost> {
  assertAgentName(name);
  const { transport, prefix } = await openHost(h);
  const session = sessionName(prefix, name);
  const result = await runScript(
    transport,
    `reading agent ${name} on host ${h.host.name}`,
    probeScript(transport.fleetDir, { name, session }),
  );
  const probe = parseProbe(result.stdout);
  let record: AgentRecord | undefined;
  let problem: FleetErrorJson | undefined;
  let untrusted: AgentRecord | undefined;
  for (const text of probe.records.filter((r) => r.dir === name)) {
    const check = checkRecord(text.text, {
      dir: name,
      host: h.host.name,
      home: h.ctx.env.home,
      // Every local host name is this one machine (src/core/state/local-hosts.ts).
      anyHost: h.provider.name === "local",
    });
    if (check.kind === "trusted") record = check.record;
    else if (check.kind !== "other-host") {
      problem = check.error;
      untrusted = parseRecord(text.text);
    }
  }
  const pane = agentPanes(probe.panes).get(session);
  const named = probe.panes.filter((p) => p.session === session);
  const sessionExists = named.some((p) => p.owner === name);
  const foreignSession = named.length > 0 && !sessionExists;
  const live = record
    ? toLiveAgent(
        record,
        withRecordedExit(pane, probe.exits.get(name)),
        probe.activity.get(name),
        { host: h.host.name, provider: h.provider.name },
        probe.waiting.get(name),
        sessionWindows(probe.panes).get(session),
      )
    : undefined;
  return {
    transport,
    prefix,
    session,
    record,
    problem,
    untrusted,
    pane,
    sessionExists,
    foreignSession,
    live,
  };
}

/**
 * Like readAgent, but an agent without a record is an error, and so is one whose
 * record cannot be trusted: nothing acts on what a host may have rewritten.
 */
export async function requireAgent(
  h: HostHandle,
  name: string,
): Promise<AgentOnHost & { record: AgentRecord; live: LiveAgent }> {
  const found = await readAgent(h, name);
  if (found.problem) throw recordProblem(found.problem);
  if (!found.record || !found.live) throw agentNotFound(name, h.host.name);
  return { ...found, record: found.record, live: found.live };
}

/** The error to throw for a record that cannot be acted on. */
export const recordProblem = (error: FleetErrorJson): FleetError =>
  new FleetError(error.code, error.message, {
    fault: "user",
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined ? {} : { details: error.details }),
  });

export const agentNotFound = (name: string, host: string): FleetError =>
  new FleetError("AGENT_NOT_FOUND", `no agent "${name}" on host ${host}`, {
    hint: "run `fleet list` to see the agents and their hosts",
  });
