/** Reading what an agent said (its transcript) and what happened to it (its events). */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { getAgentType } from "../registry.ts";
import { agentPaths, assertAgentName } from "./agent-record.ts";
import { parseEvents, type AgentEvent } from "./events.ts";
import { openHost, runScript, type HostHandle } from "./handle.ts";
import { agentNotFound, requireAgent } from "./read-agent.ts";
import { lastLines, stripTerminal } from "./terminal-text.ts";
import { fileSize, followFile, LineSplitter, type FollowTarget } from "./follow.ts";
import { requireService, serviceLogPath } from "./services.ts";

/** Bytes read at most from the end of a log when the whole transcript is asked for. */
const MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024;

export interface TranscriptOptions {
  /** A service's output instead of the agent's. */
  service?: string;
}

/** Where an agent's (or one of its services') transcript is, and how it reads. */
interface TranscriptSource extends FollowTarget {
  /** Terminal output has its escape sequences stripped; a file the agent writes is text. */
  terminal: boolean;
}

async function transcriptSource(
  h: HostHandle,
  name: string,
  options: TranscriptOptions,
): Promise<TranscriptSource> {
  const agent = await requireAgent(h, name);
  const paths = agentPaths(agent.transport.fleetDir, name);
  const base = { transport: agent.transport, agentDir: paths.dir, cwd: agent.record.workdir };
  if (options.service !== undefined) {
    requireService(agent.record.spec, name, options.service);
    return { ...base, file: q(serviceLogPath(paths, options.service)), terminal: true };
  }
  // An agent type this fleet does not know (registered elsewhere) still has a terminal.
  const type = await getAgentType(agent.record.spec.agent).catch(() => undefined);
  const transcript = type?.transcript ?? { kind: "terminal" as const };
  if (transcript.kind === "terminal")
    return { ...base, file: q(paths.terminalLog), terminal: true };
  const file = transcript.path.startsWith("~/")
    ? `"$HOME"/${q(transcript.path.slice(2))}`
    : q(transcript.path);
  return { ...base, file, terminal: false };
}

/**
 * The agent's transcript as plain text: its terminal output with escape sequences
 * stripped, or the file its agent type writes; with `service`, that service's
 * output. `tail` keeps the last N lines.
 */
export async function readTranscript(
  h: HostHandle,
  name: string,
  options: { tail?: number } & TranscriptOptions = {},
): Promise<string> {
  const source = await transcriptSource(h, name, options);
  // Terminal lines are read with a margin: some are only escape sequences and vanish.
  const read =
    options.tail === undefined
      ? `tail -c ${MAX_TRANSCRIPT_BYTES} ${source.file}`
      : `tail -n ${options.tail * 2 + 50} ${source.file}`;
  const result = await runScript(
    source.transport,
    `reading the transcript of agent ${name}`,
    `cd ${q(source.cwd ?? "/")} 2>/dev/null; if [ -f ${source.file} ]; then ${read}; fi; exit 0`,
  );
  const text = source.terminal ? stripTerminal(result.stdout) : result.stdout;
  return lastLines(text, options.tail);
}

/**
 * Lines added to the transcript from now on (terminal text stripped), until the
 * agent is destroyed or `signal` aborts.
 */
export async function* followTranscript(
  h: HostHandle,
  name: string,
  options: TranscriptOptions & { signal?: AbortSignal; intervalMs?: number } = {},
): AsyncGenerator<string> {
  const source = await transcriptSource(h, name, options);
  const splitter = new LineSplitter();
  const from = await fileSize(source);
  for await (const chunk of followFile(source, from, options)) {
    for (const line of splitter.push(chunk)) {
      const text = source.terminal ? stripTerminal(line) : line;
      if (text.trim() !== "") yield text;
    }
  }
}

/** Events appended from now on, until the agent is destroyed or `signal` aborts. */
export async function* followEvents(
  h: HostHandle,
  name: string,
  options: { signal?: AbortSignal; intervalMs?: number } = {},
): AsyncGenerator<AgentEvent> {
  assertAgentName(name);
  const { transport } = await openHost(h);
  const paths = agentPaths(transport.fleetDir, name);
  const target = { transport, agentDir: paths.dir, file: q(paths.events) };
  const splitter = new LineSplitter();
  const from = await fileSize(target);
  for await (const chunk of followFile(target, from, options)) {
    yield* parseEvents(splitter.push(chunk).join("\n"));
  }
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
