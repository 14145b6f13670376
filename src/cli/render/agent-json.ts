import type { LiveAgent, LiveService } from "../../core/model.ts";

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
  /** For WAITING: what it waits for ("input", "approval", a dialog); otherwise null. */
  waitingFor: string | null;
  /** For WAITING: when the wait began (the host's word), when it says; otherwise null. */
  waitingSince: string | null;
  createdAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  idleSeconds: number | null;
  idleTimeoutSeconds: number | null;
  attached: boolean;
  labels: Record<string, string>;
  workdir: string | null;
  ports: Record<string, number>;
  services: ServiceJson[];
  secrets: string[];
}

/** `exitCode` only for an exited service whose code tmux reported. */
export interface ServiceJson {
  name: string;
  port: number | null;
  state: LiveService["state"];
  exitCode?: number;
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
    waitingFor: agent.waitingFor ?? null,
    waitingSince: agent.waitingSince ?? null,
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
    services: (agent.services ?? []).map(serviceJson),
    secrets: agent.spec.secrets,
  };
}

function serviceJson(service: LiveService): ServiceJson {
  const { name, port, state, exitCode } = service;
  return exitCode === undefined ? { name, port, state } : { name, port, state, exitCode };
}

/** A compact cell for tables: `db:5432 web:8080 exited(1)`; `-` when there are none. */
export function servicesCell(agent: LiveAgent): string {
  const services = agent.services ?? [];
  if (services.length === 0) return "-";
  return services
    .map((service) => {
      const where = service.port === null ? service.name : `${service.name}:${service.port}`;
      if (service.state === "running" || service.state === "stopped") return where;
      const code = service.exitCode === undefined ? "" : `(${service.exitCode})`;
      return `${where} ${service.state}${code}`;
    })
    .join(", ");
}

export function idleSeconds(agent: LiveAgent, now = Date.now()): number | null {
  if (agent.state !== "RUNNING" && agent.state !== "WAITING") return null;
  // Someone is at the terminal: reconcile never counts that agent as idle.
  if (agent.attached) return 0;
  if (agent.lastActivity === undefined) return null;
  return Math.max(0, Math.floor((now - agent.lastActivity) / 1000));
}
