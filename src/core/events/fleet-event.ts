/**
 * One event of `fleet events`: what an agent's log says, with the agent and host
 * it came from (set by the controller, never by the host), or what the controller
 * recorded about a host (`agent` null). `ts` is ISO 8601 UTC, so events sort by it.
 */
export interface FleetEvent {
  ts: string;
  type: string;
  agent: string | null;
  host: string;
  [fact: string]: unknown;
}

export const byTime = (a: FleetEvent, b: FleetEvent): number =>
  a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0;
