/**
 * Live agents on one host, read in one round trip: the hot path of `fleet list`
 * and `fleet plan`.
 */
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { byText } from "../sort.ts";
import type { HostError, LiveAgent } from "../model.ts";
import { checkRecord } from "../trust/record-seal.ts";
import { isName } from "../trust/host-values.ts";
import { sessionName, type AgentRecord } from "./agent-record.ts";
import {
  agentPanes,
  sessionWindows,
  parseProbe,
  probeScript,
  toLiveAgent,
  withRecordedExit,
  type ProbeResult,
  type RecordText,
} from "./probe.ts";

export interface DiscoverOptions {
  /** The host's name: only records made for it count. */
  host: string;
  provider: string;
  /** Session name prefix (FLEET_PREFIX). */
  prefix: string;
  /** FLEET_HOME: its key verifies the records. */
  home: string;
}

export interface HostAgents {
  agents: LiveAgent[];
  /** Agents whose record could not be read or trusted, one error each. */
  errors: HostError[];
}

export async function discoverAgents(
  transport: Transport,
  options: DiscoverOptions,
): Promise<HostAgents> {
  const result = await transport.script(probeScript(transport.fleetDir));
  if (result.code !== 0) {
    throw new FleetError(
      "DISCOVER_FAILED",
      `cannot read agents on host ${options.host}: ${result.stderr.trim() || `exit code ${result.code}`}`,
      { fault: "system" },
    );
  }
  return agentsOfProbe(parseProbe(result.stdout), options, "is not installed on host");
}

/** A probe's agents: trusted records become live agents, the others errors. */
export function agentsOfProbe(
  probe: ProbeResult,
  options: DiscoverOptions,
  tmuxMissingWords: string,
): HostAgents {
  const { trusted, errors } = checkRecords(probe.records, options);
  if (probe.tmuxMissing && trusted.length > 0) {
    throw new FleetError("TMUX_MISSING", `tmux ${tmuxMissingWords} ${options.host}`, {
      fault: "system",
      hint: "install tmux there (e.g. apt-get install tmux): fleet runs every agent in tmux",
    });
  }
  const ours = probe.panes.filter((pane) => pane.session.startsWith(options.prefix));
  const panes = agentPanes(ours);
  const windows = sessionWindows(ours);
  const agents = trusted
    .map((record) =>
      toLiveAgent(
        record,
        withRecordedExit(
          panes.get(sessionName(options.prefix, record.name)),
          probe.exits.get(record.name),
        ),
        probe.activity.get(record.name),
        options,
        probe.waiting.get(record.name),
        windows.get(sessionName(options.prefix, record.name)),
      ),
    )
    .sort((a, b) => byText(a.name, b.name));
  return { agents, errors };
}

/** Sorts records read from a host into trusted ones and per-agent errors. */
export function checkRecords(
  texts: readonly RecordText[],
  where: { host: string; provider: string; home: string; anyHost?: boolean },
): { trusted: AgentRecord[]; errors: HostError[] } {
  const trusted: AgentRecord[] = [];
  const errors: HostError[] = [];
  for (const { dir, text } of texts) {
    // fleet never makes a dir by another name: there is no agent to name or act on.
    if (!isName(dir)) continue;
    const check = checkRecord(text, {
      dir,
      host: where.host,
      home: where.home,
      ...(where.anyHost === true ? { anyHost: true } : {}),
    });
    if (check.kind === "trusted") trusted.push(check.record);
    else if (check.kind !== "other-host") {
      errors.push({
        host: where.host,
        provider: where.provider,
        agent: check.name,
        error: check.error,
      });
    }
  }
  return { trusted, errors };
}
