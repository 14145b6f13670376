/** One agent's record and live state, in one round trip, for the operations on it. */
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { LiveAgent } from "../model.ts";
import { assertAgentName, sessionName, type AgentRecord } from "./agent-record.ts";
import { openHost, runScript, type HostHandle } from "./handle.ts";
import {
  agentPanes,
  parseProbe,
  probeScript,
  sessionWindows,
  toLiveAgent,
  type PaneInfo,
} from "./probe.ts";

export interface AgentOnHost {
  transport: Transport;
  prefix: string;
  session: string;
  /** Undefined when the agent has no record on the host. */
  record: AgentRecord | undefined;
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
  const record = probe.records.find((r) => r.name === name);
  const pane = agentPanes(probe.panes).get(session);
  const named = probe.panes.filter((p) => p.session === session);
  const sessionExists = named.some((p) => p.owner === name);
  const foreignSession = named.length > 0 && !sessionExists;
  const live = record
    ? toLiveAgent(
        record,
        pane,
        probe.activity.get(name),
        { host: h.host.name, provider: h.provider.name },
        probe.waiting.has(name),
        sessionWindows(probe.panes).get(session),
      )
    : undefined;
  return { transport, prefix, session, record, pane, sessionExists, foreignSession, live };
}

/** Like readAgent, but an agent without a record is an error. */
export async function requireAgent(
  h: HostHandle,
  name: string,
): Promise<AgentOnHost & { record: AgentRecord; live: LiveAgent }> {
  const found = await readAgent(h, name);
  if (!found.record || !found.live) throw agentNotFound(name, h.host.name);
  return { ...found, record: found.record, live: found.live };
}

export const agentNotFound = (name: string, host: string): FleetError =>
  new FleetError("AGENT_NOT_FOUND", `no agent "${name}" on host ${host}`, {
    hint: "run `fleet list` to see the agents and their hosts",
  });
