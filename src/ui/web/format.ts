/** How the page writes states, durations and token counts. */
import type { AgentView } from "./api.ts";

export function stateWord(agent: AgentView): string {
  if (agent.state === "DONE" && agent.exitCode !== null) return `DONE(${agent.exitCode})`;
  if (agent.state === "WAITING" && agent.waitingFor !== null) return `WAITING(${agent.waitingFor})`;
  return agent.state;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Idle time as `fleet list` counts it: only while it runs, zero while someone is attached. */
export function idleWords(agent: AgentView, now: number): string {
  if (agent.state !== "RUNNING" && agent.state !== "WAITING") return "-";
  if (agent.attached) return "attached";
  if (agent.activeAt === null) return "-";
  return duration(Math.max(0, Math.floor((now - agent.activeAt) / 1000)));
}

export function tokenWords(agent: AgentView): string {
  const t = agent.tokens;
  if (t === null) return "-";
  const total = t.input + t.output + t.cacheRead + t.cacheWrite;
  return total >= 10_000 ? `${(total / 1000).toFixed(0)}k` : String(total);
}

export const labelWords = (labels: Record<string, string>): string[] =>
  Object.entries(labels).map(([key, value]) => `${key}=${value}`);

export function serviceWords(agent: AgentView): string[] {
  return agent.services.map((s) => {
    const where = s.port === null ? s.name : `${s.name}:${s.port}`;
    if (s.state === "running" || s.state === "stopped") return where;
    return `${where} ${s.state}${s.exitCode === undefined ? "" : `(${s.exitCode})`}`;
  });
}
