/**
 * The agent's event log, `events.jsonl`: one flat JSON object a line
 * (`{"ts":..., "type":..., ...facts}`), appended by the runtime. Events carry facts
 * (sizes, reasons, hashes), never secret values or message text.
 */
export type AgentEventType =
  "created" | "started" | "stopped" | "updated" | "message" | "service" | "handoff" | "renamed";

export interface AgentEvent {
  /** ISO time. */
  ts: string;
  type: string;
  [fact: string]: unknown;
}

export function eventLine(
  type: AgentEventType,
  facts: Record<string, unknown> = {},
  time = new Date(),
): string {
  return JSON.stringify({ ts: time.toISOString(), type, ...facts });
}

export function parseEvents(text: string): AgentEvent[] {
  const events: AgentEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (typeof value === "object" && value !== null && "type" in value && "ts" in value) {
        events.push(value as AgentEvent);
      }
    } catch {
      // A line cut short by a crash is skipped, not fatal.
    }
  }
  return events;
}
