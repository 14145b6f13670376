/**
 * Shared shape of the agent types that wrap an interactive coding-agent CLI
 * (claude, codex, opencode): launched as `<binary> <args...>`, typed into with a
 * bracketed paste and Enter, ready once their input prompt is on screen.
 */
import { AGENT_TYPE_CONTRACT_VERSION, type AgentType } from "../core/contracts/agent-type.ts";
import { shellJoin } from "../core/contracts/transport.ts";

export interface CliAgentOptions {
  name: string;
  description: string;
  /** The program, looked up on the host's PATH. */
  binary: string;
  /** Matched against the visible screen: the input prompt is showing. */
  readyPattern: RegExp;
  /** Matched against the visible screen: the agent asks the user something. */
  waitingPattern: RegExp;
  /** How long a cold start (first run, node startup, MCP servers) may take. */
  readyTimeoutMs?: number;
}

export function cliAgentType(options: CliAgentOptions): AgentType {
  return {
    contractVersion: AGENT_TYPE_CONTRACT_VERSION,
    name: options.name,
    description: options.description,
    requiresCommand: false,
    launchCommand: (spec) => shellJoin([options.binary, ...spec.args]),
    readiness: {
      pattern: options.readyPattern,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      exitWindowMs: 400,
    },
    waitingPattern: options.waitingPattern,
    delivery: { kind: "paste", bracketed: true, submitKeys: ["Enter"] },
    transcript: { kind: "terminal" },
  };
}
