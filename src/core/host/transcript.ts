/** Reading what an agent said (its transcript) and what happened to it (its events). */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { getAgentType } from "../registry.ts";
import { agentPaths, assertAgentName } from "./agent-record.ts";
import { parseEvents, type AgentEvent } from "./events.ts";
import { openHost, runScript, type HostHandle } from "./handle.ts";
import { agentNotFound, requireAgent } from "./read-agent.ts";
import { lastLines, stripTerminal } from "./terminal-text.ts";

/** Bytes read at most from the end of a log when the whole transcript is asked for. */
const MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024;

/**
 * The agent's transcript as plain text: its terminal output with escape sequences
 * stripped, or the file its agent type writes. `tail` keeps the last N lines.
 */
export async function readTranscript(
  h: HostHandle,
  name: string,
  options: { tail?: number } = {},
): Promise<string> {
  const agent = await requireAgent(h, name);
  // An agent type this fleet does not know (registered elsewhere) still has a terminal.
  const type = await getAgentType(agent.record.spec.agent).catch(() => undefined);
  const transcript = type?.transcript ?? { kind: "terminal" as const };
  const paths = agentPaths(agent.transport.fleetDir, name);
  const file =
    transcript.kind === "terminal"
      ? q(paths.terminalLog)
      : transcript.path.startsWith("~/")
        ? `"$HOME"/${q(transcript.path.slice(2))}`
        : q(transcript.path);
  // Terminal lines are read with a margin: some are only escape sequences and vanish.
  const read =
    options.tail === undefined
      ? `tail -c ${MAX_TRANSCRIPT_BYTES} ${file}`
      : `tail -n ${options.tail * 2 + 50} ${file}`;
  const result = await runScript(
    agent.transport,
    `reading the transcript of agent ${name}`,
    `cd ${q(agent.record.workdir)} 2>/dev/null; if [ -f ${file} ]; then ${read}; fi; exit 0`,
  );
  const text = transcript.kind === "terminal" ? stripTerminal(result.stdout) : result.stdout;
  return lastLines(text, options.tail);
}

/** The agent's events, oldest first; `tail` keeps the last N. */
export async function readEvents(
  h: HostHandle,
  name: string,
  options: { tail?: number } = {},
): Promise<AgentEvent[]> {
  assertAgentName(name);
  if (options.tail !== undefined && (!Number.isInteger(options.tail) || options.tail < 0)) {
    throw new FleetError("USAGE", "--tail takes a whole number of lines", { exitCode: 2 });
  }
  const { transport } = await openHost(h);
  const paths = agentPaths(transport.fleetDir, name);
  const read =
    options.tail === undefined
      ? `cat ${q(paths.events)}`
      : `tail -n ${options.tail} ${q(paths.events)}`;
  const result = await runScript(
    transport,
    `reading the events of agent ${name}`,
    `[ -d ${q(paths.dir)} ] || { echo @@fleet:missing; exit 0; }; ${read} 2>/dev/null; exit 0`,
  );
  if (result.stdout.startsWith("@@fleet:missing")) throw agentNotFound(name, h.host.name);
  return parseEvents(result.stdout);
}
