/**
 * The tools that work with a running agent: send_message, read_transcript,
 * wait_for_agent and exec. Each calls the action its CLI command calls. What an
 * agent printed or said is text from its host: the text content shows it escaped
 * (src/core/text/safe-text.ts); structuredContent carries the values as fleet's
 * `--format json` does.
 */
import { z } from "zod";
import { execInAgent } from "../core/actions/exec-agent.ts";
import { lastTurns, readAgentTranscript } from "../core/actions/read-transcript.ts";
import { keysPayload, sendMessageTo, textPayload } from "../core/actions/send-message.ts";
import { waitForAgent } from "../core/actions/wait-agent.ts";
import { usageError } from "../core/errors.ts";
import { WAIT_TARGETS } from "../core/host/wait-targets.ts";
import { safeLines, safeText } from "../core/text/safe-text.ts";
import { agentJson } from "../cli/render/agent-json.ts";
import { renderTurn } from "../cli/render/turns.ts";
import { runCaptured } from "./exec-capture.ts";
import { execSchema, sentSchema, transcriptSchema, waitSchema } from "./schemas.ts";
import { type AnyFleetTool, defineTool } from "./tool-kit.ts";

const agent = z.string().min(1).describe("NAME, or NAME@HOST where names clash across hosts");
const seconds = (fallback: number, max: number, what: string) =>
  z.number().positive().max(max).default(fallback).describe(what);

/** Output of `exec` kept per stream. */
const EXEC_MAX_BYTES = 1024 * 1024;

const sendMessageTool = defineTool({
  name: "send_message",
  title: "Send a message to an agent",
  description:
    "Type a message into an agent (or, with keys, press named tmux keys: C-c, Enter, Escape, Up, ...). A stopped agent is started first. While the agent works the message waits, in order, and is typed when its turn ends; the agent's own signal confirms it took it. Text with control characters is refused.",
  input: z.strictObject({
    agent,
    text: z.string().optional().describe("the message"),
    keys: z.array(z.string()).optional().describe("named keys to press instead of text"),
    timeoutSeconds: seconds(600, 86_400, "how long the message may wait while the agent works"),
  }),
  output: sentSchema,
  annotations: { openWorldHint: false },
  async run(args, { ctx }) {
    if ((args.text === undefined) === (args.keys === undefined)) {
      throw usageError(
        "give text or keys, one of them",
        "send the text, then the keys, as two calls",
      );
    }
    const payload = args.keys === undefined ? textPayload(args.text ?? "") : keysPayload(args.keys);
    const sent = await sendMessageTo(args.agent, payload, ctx, {
      waitMs: args.timeoutSeconds * 1000,
      waitWords: `${args.timeoutSeconds}s`,
    });
    const what = sent.keys ? `keys ${sent.keys.join(" ")}` : `${sent.chars ?? 0} characters`;
    const started = sent.started ? " (started it first)" : "";
    return { text: safeText(`Sent ${what} to ${sent.agent}${started}.`), structured: sent };
  },
});

const readTranscriptTool = defineTool({
  name: "read_transcript",
  title: "Read an agent's transcript",
  description:
    "What an agent said and did: its conversation from its CLI's own records (claude, codex, opencode), else what its terminal printed; or a service's output.",
  input: z.strictObject({
    agent,
    tail: z.number().int().positive().optional().describe("only the last N turns (or lines)"),
    terminal: z.boolean().optional().describe("its terminal's text instead of its conversation"),
    service: z.string().optional().describe("a service's output instead of the agent's"),
  }),
  output: transcriptSchema,
  annotations: { readOnlyHint: true },
  async run(args, { ctx }) {
    const read = await readAgentTranscript(args.agent, ctx, {
      ...(args.tail === undefined ? {} : { tail: args.tail }),
      ...(args.terminal === true ? { terminal: true } : {}),
      ...(args.service === undefined ? {} : { service: args.service }),
    });
    const where = { agent: read.target.agent.name, host: read.target.agent.host };
    if (read.source === "records") {
      const turns = lastTurns(read.turns, args.tail);
      return {
        // renderTurn escapes what it shows.
        text: turns.length === 0 ? "(no turns yet)" : turns.map((t) => renderTurn(t)).join(""),
        structured: { ...where, source: "records" as const, turns },
      };
    }
    const note =
      read.recordsUnreadable === undefined ? "" : `(${read.recordsUnreadable}; its terminal:)\n`;
    return {
      text: safeLines(note + (read.transcript === "" ? "(nothing printed yet)" : read.transcript)),
      structured: {
        ...where,
        source: "terminal" as const,
        transcript: read.transcript,
        ...(read.service === undefined ? {} : { service: read.service }),
        ...(read.recordsUnreadable === undefined
          ? {}
          : { recordsUnreadable: read.recordsUnreadable }),
      },
    };
  },
});

const waitForAgentTool = defineTool({
  name: "wait_for_agent",
  title: "Wait for an agent",
  description:
    "Wait until an agent is waiting for input (its turn ended), done, running or stopped. Fails with WAIT_TIMED_OUT after timeoutSeconds, and with WAIT_UNREACHABLE when it settled elsewhere and will not get there.",
  input: z.strictObject({
    agent,
    state: z.enum(WAIT_TARGETS).default("waiting").describe("the state to wait for"),
    timeoutSeconds: seconds(600, 86_400, "give up after this long"),
  }),
  output: waitSchema,
  annotations: { readOnlyHint: true },
  async run(args, { ctx }) {
    const reached = await waitForAgent(args.agent, args.state, args.timeoutSeconds * 1000, ctx);
    return {
      text: safeText(`${reached.name} is ${args.state}.`),
      structured: { reached: args.state, agent: agentJson(reached) },
    };
  },
});

const execTool = defineTool({
  name: "exec",
  title: "Run a command in an agent's work dir",
  description:
    "Run a command (argv, no shell) in an agent's work dir on its host, with the agent's env but not its secrets. Returns its exit code and output (1 MiB of each stream at most).",
  input: z.strictObject({
    agent,
    command: z.array(z.string()).min(1).describe('argv, e.g. ["git", "status"]'),
    input: z.string().optional().describe("fed to the command's stdin"),
    timeoutSeconds: seconds(60, 3600, "the command is killed after this long"),
  }),
  output: execSchema,
  async run(args, { ctx, signal }) {
    const result = await execInAgent(args.agent, args.command, ctx, {
      tty: false,
      run: (command) =>
        runCaptured(command, {
          timeoutMs: args.timeoutSeconds * 1000,
          maxBytes: EXEC_MAX_BYTES,
          signal,
          ...(args.input === undefined ? {} : { input: args.input }),
        }),
    });
    const lines = [
      result.timedOut ? `killed after ${args.timeoutSeconds}s` : `exit code ${result.code}`,
    ];
    if (result.stdout !== "") lines.push("stdout:", safeLines(result.stdout.replace(/\n$/, "")));
    if (result.stderr !== "") lines.push("stderr:", safeLines(result.stderr.replace(/\n$/, "")));
    if (result.truncated) lines.push(`(output past ${EXEC_MAX_BYTES} bytes was dropped)`);
    const { code, ...rest } = result;
    return { text: lines.join("\n"), structured: { exitCode: code, ...rest } };
  },
});

export const workTools: readonly AnyFleetTool[] = [
  sendMessageTool,
  readTranscriptTool,
  waitForAgentTool,
  execTool,
];
