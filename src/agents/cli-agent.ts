/**
 * Shared shape of the agent types that wrap an interactive coding-agent CLI
 * (claude, codex, opencode): prepared per agent (a config dir of its own under the
 * agent dir, so no first-run dialog eats the first message), launched as
 * `<binary> <args...>`, typed into with a bracketed paste and Enter, ready once
 * their input prompt is on screen.
 */
import {
  AGENT_TYPE_CONTRACT_VERSION,
  type AgentDialog,
  type AgentRecords,
  type AgentType,
  type LaunchContext,
  type ScreenSignals,
} from "../core/contracts/agent-type.ts";
import { screenWatchLines } from "./screen-watch.ts";
import { shellJoin, shellQuote } from "../core/contracts/transport.ts";
import type { AgentSpec } from "../core/model.ts";

export interface CliAgentOptions {
  name: string;
  description: string;
  /** The program, looked up on the host's PATH. */
  binary: string;
  /** Flags fleet passes before the spec's args. */
  fixedArgs?: (spec: AgentSpec) => readonly string[];
  /** True when the launch installs turn hooks for this spec (src/agents/turn-hooks.ts). */
  reportsTurns?: (spec: AgentSpec) => boolean;
  /** Matched against the visible screen: the input prompt is showing. */
  readyPattern: RegExp;
  /** Matched against the visible screen: the agent asks the user something. */
  waitingPattern: RegExp;
  /** Screens that block start-up, recognised and reported, never typed into. */
  dialogs?: readonly AgentDialog[];
  /** How long a cold start (first run, node startup, MCP servers) may take. */
  readyTimeoutMs?: number;
  /** Shell lines run before the CLI starts (config files, exports). */
  prepare?: (spec: AgentSpec, context: LaunchContext) => string[];
  /** Where its CLI keeps its own records of the conversation (src/agents/records/). */
  records?: AgentRecords;
  /** The keys that answer its approvals (approve, deny), where fleet can answer them. */
  approvalKeys?: AgentType["approvalKeys"];
  /** Where under the agent dir its conversations of a work dir are (AgentType.conversationDir). */
  conversationDir?: AgentType["conversationDir"];
  /** What its screen shows while it works or waits (for types without turn hooks). */
  screenSignals?: ScreenSignals;
  /**
   * Resuming the last conversation: a shell test that is true when there is one,
   * the words added then, and the flags by which a user's args pick a session
   * themselves (then nothing is added).
   */
  resume?: {
    when: (context: LaunchContext) => string;
    words: string | ((spec: AgentSpec) => string);
    userFlags: readonly string[];
  };
}

export function cliAgentType(options: CliAgentOptions): AgentType {
  return {
    contractVersion: AGENT_TYPE_CONTRACT_VERSION,
    name: options.name,
    description: options.description,
    requiresCommand: false,
    launchCommand: (spec, context) => {
      const resume = options.resume && resumeLines(spec, context, options.resume);
      const command = shellJoin([options.binary, ...(options.fixedArgs?.(spec) ?? [])]);
      return [
        ...(options.prepare?.(spec, context) ?? []),
        ...(options.screenSignals ? screenWatchLines(options.screenSignals) : []),
        ...(resume ? [resume.test] : []),
        [
          command,
          ...(resume ? [resume.word] : []),
          ...(spec.args.length ? [shellJoin(spec.args)] : []),
        ].join(" "),
      ].join("\n");
    },
    readiness: {
      pattern: options.readyPattern,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      exitWindowMs: 400,
    },
    waitingPattern: options.waitingPattern,
    ...(options.screenSignals ? { screenSignals: options.screenSignals } : {}),
    ...(options.reportsTurns ? { reportsTurns: options.reportsTurns } : {}),
    ...(options.dialogs ? { dialogs: options.dialogs } : {}),
    delivery: { kind: "paste", bracketed: true, submitKeys: ["Enter"] },
    transcript: { kind: "terminal" },
    ...(options.records ? { records: options.records } : {}),
    ...(options.approvalKeys ? { approvalKeys: options.approvalKeys } : {}),
    ...(options.conversationDir ? { conversationDir: options.conversationDir } : {}),
  };
}

/** A shell line that writes `text` (and a newline) to `path` (a shell word, already quoted). */
export const writeFileLine = (path: string, text: string): string =>
  `printf '%s\\n' ${shellQuote(text)} > ${path} || exit 71`;

/**
 * A shell line that links the user's own credentials file into the agent's config
 * dir when the user has one and the agent has none: their login keeps working
 * (and token refreshes through the link reach every agent), nothing is copied.
 */
export const linkCredentials = (userFile: string, agentFile: string): string =>
  `if [ -e ${userFile} ] && [ ! -e ${agentFile} ]; then ln -s ${userFile} ${agentFile}; fi`;

/** The value of an env var the spec sets, when non-empty. */
export const specEnv = (spec: AgentSpec, name: string): string | undefined => {
  const value = spec.env[name];
  return value === undefined || value === "" ? undefined : value;
};

/**
 * The launcher's resume: a line that sets `$fleet_resume` to the CLI's words for
 * "continue the last conversation" when the agent has one (its CLI's records
 * say so), and the unquoted word that expands to them (or to nothing).
 * Nothing when the user's args pick a session themselves.
 */
export function resumeLines(
  spec: AgentSpec,
  context: LaunchContext,
  resume: NonNullable<CliAgentOptions["resume"]>,
): { test: string; word: string } | undefined {
  const picks = spec.args.some((arg) =>
    resume.userFlags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
  );
  if (picks) return undefined;
  return {
    test: `fleet_resume=; if ${resume.when(context)}; then fleet_resume=${shellQuote(typeof resume.words === "string" ? resume.words : resume.words(spec))}; fi`,
    word: "$fleet_resume",
  };
}

/** A shell test: some file matches the glob (a shell word with the glob part unquoted). */
export const globMatches = (glob: string): string =>
  `{ for fleet_f in ${glob}; do break; done; [ -e "$fleet_f" ]; }`;
