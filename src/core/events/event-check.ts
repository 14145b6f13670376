/**
 * Events come from agents' hosts, which are untrusted: each line is checked
 * before it is shown. A line that is not a JSON object with an ISO time and a
 * plain type word is dropped and counted, never guessed at; the names fleet adds
 * (agent, host) cannot be set by the host.
 */
import { z } from "zod";

/** Longer than any event fleet writes: a longer line is not one of them. */
export const MAX_EVENT_LINE = 16 * 1024;

const EventLine = z
  .object({
    ts: z.iso.datetime({ offset: true }),
    type: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  })
  .catchall(z.unknown());

/** The names the controller sets on every event it shows. */
const OWN_FIELDS = new Set(["ts", "type", "agent", "host"]);

export interface CheckedEvent {
  ts: string;
  /** Epoch ms of `ts`, for ordering and --since. */
  at: number;
  type: string;
  facts: Record<string, unknown>;
}

export function checkEventLines(text: string): { events: CheckedEvent[]; dropped: number } {
  const events: CheckedEvent[] = [];
  let dropped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const event = line.length > MAX_EVENT_LINE ? undefined : checkEventLine(line);
    if (event) events.push(event);
    else dropped++;
  }
  return { events, dropped };
}

function checkEventLine(line: string): CheckedEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = EventLine.safeParse(value);
  if (!parsed.success) return undefined;
  const at = Date.parse(parsed.data.ts);
  if (!Number.isFinite(at)) return undefined;
  const facts: Record<string, unknown> = {};
  for (const [key, fact] of Object.entries(parsed.data)) {
    if (!OWN_FIELDS.has(key)) facts[key] = fact;
  }
  return { ts: new Date(at).toISOString(), at, type: parsed.data.type, facts };
}
