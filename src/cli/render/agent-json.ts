import type { LiveAgent } from "../../core/model.ts";

/**
 * The documented, stable shape of one agent in `fleet list --format json|jsonl`
 * (docs/cli.md). Secrets appear only as names.
 */
export interface AgentJson {
  name: string;
  host: string;
  provider: string;
  fleet: string | null;
  type: string;
  state: LiveAgent["state"];
  exitCode: number | null;
  createdAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  idleSeconds: number | null;
  idleTimeoutSeconds: number | null;
  attached: boolean;
  labels: Record<string, string>;
  workdir: string | null;
  ports: Record<string, number>;
  secrets: string[];
}

export function agentJson(agent: LiveAgent, now = Date.now()): AgentJson {
  return {
    name: agent.name,
    host: agent.host,
    provider: agent.provider,
    fleet: agent.fleet,
    type: agent.spec.agent,
    state: agent.state,
    exitCode: agent.exitCode ?? null,
    createdAt: agent.createdAt,
    startedAt: agent.startedAt ?? null,
    stoppedAt: agent.stoppedAt ?? null,
    idleSeconds: idleSeconds(agent, now),
    idleTimeoutSeconds:
      agent.spec.idleTimeout === null ? null : Math.round(agent.spec.idleTimeout / 1000),
    attached: agent.attached,
    labels: agent.spec.labels,
    workdir: agent.workdir ?? null,
    ports: agent.ports ?? {},
    secrets: agent.spec.secrets,
  };
}

export function idleSeconds(agent: LiveAgent, now = Date.now()): number | null {
  if (agent.state !== "RUNNING" && agent.state !== "WAITING") return null;
  // Someone is at the terminal: reconcile never counts that agent as idle.
  if (agent.attached) return 0;
  if (agent.lastActivity === undefined) return null;
  return Math.max(0, Math.floor((now - agent.lastActivity) / 1000));
}
