/**
 * What the page is told about an agent: `fleet list --format json`'s documented
 * shape (secrets as names only), with the time of its last activity instead of
 * a count of idle seconds (the page counts, so an idle agent is not news every
 * second), and the tokens it has used where its type keeps records.
 */
import type { HostError, LiveAgent } from "../../core/model.ts";
import { type AgentJson, agentJson } from "../../cli/render/agent-json.ts";
import { untrustedState } from "../../core/actions/list-agents.ts";

export interface AgentView extends Omit<AgentJson, "idleSeconds"> {
  /** `HOST/NAME`: what the page's links and the API name an agent by. */
  id: string;
  /** Epoch ms of the newest activity, while it runs; null when unknown or not running. */
  activeAt: number | null;
  /** Tokens used (input, output and cache), once read; null for types that keep none. */
  tokens: TokensView | null;
}

export interface TokensView {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ProblemView {
  host: string;
  agent: string | null;
  state: "UNREACHABLE" | "TAMPERED" | "UNREADABLE";
  message: string;
}

export const agentId = (host: string, name: string): string => `${host}/${name}`;

export function agentView(agent: LiveAgent, tokens: TokensView | undefined): AgentView {
  const { idleSeconds: _idle, ...json } = agentJson(agent);
  const running = agent.state === "RUNNING" || agent.state === "WAITING";
  return {
    ...json,
    id: agentId(agent.host, agent.name),
    activeAt: running && !agent.attached ? (agent.lastActivity ?? null) : null,
    tokens: tokens ?? null,
  };
}

export function problemView(error: HostError): ProblemView {
  return {
    host: error.host,
    agent: error.agent ?? null,
    state: error.agent === undefined ? "UNREACHABLE" : untrustedState(error),
    message: error.error.message,
  };
}
