/**
 * The page's side of the dashboard API: JSON requests (the session cookie goes
 * with them; the server checks the Origin), the live event stream, and the
 * shapes the server sends (src/ui/server/agent-view.ts and friends).
 */

import type { PageNotification } from "../server/page-events.ts";

export type { PageNotification };

export interface ServiceView {
  name: string;
  port: number | null;
  state: "running" | "exited" | "missing" | "stopped";
  exitCode?: number;
}

export interface TokensView {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface AgentView {
  id: string;
  name: string;
  host: string;
  provider: string;
  fleet: string | null;
  type: string;
  state: "RUNNING" | "WAITING" | "STOPPED" | "DONE" | "MISSING";
  exitCode: number | null;
  waitingFor: string | null;
  createdAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  activeAt: number | null;
  idleTimeoutSeconds: number | null;
  attached: boolean;
  labels: Record<string, string>;
  workdir: string | null;
  ports: Record<string, number>;
  services: ServiceView[];
  secrets: string[];
  tokens: TokensView | null;
}

export interface ProblemView {
  host: string;
  agent: string | null;
  state: string;
  message: string;
}

export interface Snapshot {
  agents: AgentView[];
  problems: ProblemView[];
  version: number;
  readAt: string;
}

export type Session =
  | { kind: "owner"; fleetFile: string | null }
  | {
      kind: "share";
      agent: { host: string; name: string };
      readOnly: boolean;
      expiresAt: string;
    };

export interface ApiError {
  code: string;
  message: string;
  hint?: string;
}

export class RequestFailed extends Error {
  readonly error: ApiError;
  readonly status: number;
  constructor(status: number, error: ApiError) {
    super(error.message);
    this.status = status;
    this.error = error;
  }
}

export async function api<T>(
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await fetch(path, init);
  const value = (await response.json().catch(() => ({}))) as { error?: ApiError };
  if (!response.ok) {
    throw new RequestFailed(
      response.status,
      value.error ?? { code: `HTTP_${response.status}`, message: response.statusText },
    );
  }
  return value as T;
}

export const agentPath = (agent: { host: string; name: string }, action: string): string =>
  `/api/agents/${encodeURIComponent(agent.host)}/${encodeURIComponent(agent.name)}/${action}`;

export interface LiveHandlers {
  onSnapshot(snapshot: Snapshot): void;
  onNotification(notification: PageNotification): void;
  onConnection(state: "live" | "reconnecting" | "closed"): void;
}

/** The server's event stream; EventSource reconnects by itself after a network blip. */
export function openLive(handlers: LiveHandlers): () => void {
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => handlers.onConnection("live"));
  source.addEventListener("agents", (event) => {
    handlers.onSnapshot(JSON.parse((event as MessageEvent<string>).data) as Snapshot);
  });
  source.addEventListener("notification", (event) => {
    handlers.onNotification(JSON.parse((event as MessageEvent<string>).data) as PageNotification);
  });
  source.addEventListener("error", () => {
    handlers.onConnection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  });
  return () => source.close();
}
