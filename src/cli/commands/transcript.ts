import type { Turn } from "../../core/contracts/conversation.ts";
import { FleetError } from "../../core/errors.ts";
import { followTranscript } from "../../core/host/index.ts";
import { followConversation } from "../../core/host/records.ts";
import { lastTurns, readAgentTranscript } from "../../core/actions/read-transcript.ts";
import { safeLines } from "../../core/text/safe-text.ts";
import type { AgentTarget } from "../../core/actions/agent-target.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  jsonText,
  printJson,
} from "../context.ts";
import { parseCount } from "../parse-count.ts";
import { renderTurn } from "../render/turns.ts";

interface TranscriptOptions extends CommonOptions {
  tail?: string;
  raw?: boolean;
  follow?: boolean;
  service?: string;
  terminal?: boolean;
}

export async function run(ref: string, options: TranscriptOptions): Promise<void> {
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  const tail = parseCount(options.tail, "--tail");
  const read = await readAgentTranscript(ref, context, {
    ...(tail === undefined ? {} : { tail }),
    ...(options.terminal === true ? { terminal: true } : {}),
    ...(options.service === undefined ? {} : { service: options.service }),
    onRecordsUnreadable: (why) => {
      // A reader of JSON asked for turns: terminal lines in their place would mislead it.
      if (context.format !== "text") {
        throw new FleetError("RECORDS_UNREADABLE", why, {
          fault: "system",
          hint: "`--terminal` shows what its terminal printed",
        });
      }
      context.io.notify({
        level: "warn",
        code: "transcript.records-unreadable",
        message: `${why}; showing its terminal instead`,
      });
    },
  });
  if (read.source === "records") await showTurns(read.target, context, read.turns, tail, options);
  else await showTerminal(read.target, context, read.transcript, options);
}

async function showTurns(
  { agent, handle }: AgentTarget,
  context: CliContext,
  all: readonly Turn[],
  tail: number | undefined,
  options: TranscriptOptions,
): Promise<void> {
  const follow = options.follow === true;
  // Following: a tool call still running is shown once its result is in.
  const pending = follow && all.at(-1)?.role === "tool" && all.at(-1)?.text === "";
  const ready = pending ? all.slice(0, -1) : all;
  const turns = lastTurns(ready, tail);
  if (context.format === "json" && !follow) {
    printJson({ agent: agent.name, host: agent.host, source: "records", turns });
    return;
  }
  const print = (turn: Turn): void => {
    process.stdout.write(
      context.format === "text" ? renderTurn(turn, options.raw === true) : jsonText(turn, 0) + "\n",
    );
  };
  turns.forEach(print);
  if (!follow) return;
  for await (const turn of followConversation(handle, agent.name, ready)) print(turn);
  ended(agent.name, context);
}

async function showTerminal(
  { agent, handle }: AgentTarget,
  context: CliContext,
  transcript: string,
  options: TranscriptOptions,
): Promise<void> {
  const which = options.service === undefined ? {} : { service: options.service };
  // What an agent printed is text from a host: shown escaped, unless asked for as it is.
  const shown = (text: string): string => (options.raw ? text : safeLines(text));
  if (options.follow !== true && context.format !== "jsonl") {
    if (context.format === "json")
      printJson({ agent: agent.name, host: agent.host, ...which, source: "terminal", transcript });
    else
      process.stdout.write(
        shown(transcript.endsWith("\n") || transcript === "" ? transcript : transcript + "\n"),
      );
    return;
  }
  // JSON lines, one per line of output (following with --format json too).
  const print = (line: string): void => {
    process.stdout.write(
      context.format === "text" ? shown(line + "\n") : jsonText({ ...which, line }, 0) + "\n",
    );
  };
  if (transcript !== "") transcript.split("\n").forEach(print);
  if (options.follow !== true) return;
  for await (const line of followTranscript(handle, agent.name, which)) print(line);
  ended(agent.name, context);
}

function ended(name: string, context: CliContext): void {
  context.io.notify({
    level: "info",
    code: "follow.ended",
    message: `agent ${name} was destroyed; nothing more to follow`,
  });
}
