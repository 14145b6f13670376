/**
 * Live agents on one host, read in one round trip: the hot path of `fleet list`
 * and `fleet plan`.
 */
import type { Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { byText } from "../sort.ts";
import type { LiveAgent } from "../model.ts";
import { sessionName } from "./agent-record.ts";
import { agentPanes, parseProbe, probeScript, sessionWindows, toLiveAgent } from "./probe.ts";

export interface DiscoverOptions {
  /** The host's name: only records made for it count. */
  host: string;
  provider: string;
  /** Session name prefix (FLEET_PREFIX). */
  prefix: string;
}

export async function discoverAgents(
  transport: Transport,
  options: DiscoverOptions,
): Promise<LiveAgent[]> {
  const result = await transport.script(probeScript(transport.fleetDir));
  if (result.code !== 0) {
    throw new FleetError(
      "DISCOVER_FAILED",
      `cannot read agents on host ${options.host}: ${result.stderr.trim() || `exit code ${result.code}`}`,
      { fault: "system" },
    );
  }
  const probe = parseProbe(result.stdout);
  const records = probe.records.filter((record) => record.host === options.host);
  if (probe.tmuxMissing && records.length > 0) {
    throw new FleetError("TMUX_MISSING", `tmux is not installed on host ${options.host}`, {
      fault: "system",
      hint: "install tmux there (e.g. apt-get install tmux): fleet runs every agent in tmux",
    });
  }
  const ours = probe.panes.filter((pane) => pane.session.startsWith(options.prefix));
  const panes = agentPanes(ours);
  const windows = sessionWindows(ours);
  return records
    .map((record) =>
      toLiveAgent(
        record,
        panes.get(sessionName(options.prefix, record.name)),
        probe.activity.get(record.name),
        options,
        probe.waiting.has(record.name),
        windows.get(sessionName(options.prefix, record.name)),
      ),
    )
    .sort((a, b) => byText(a.name, b.name));
}
