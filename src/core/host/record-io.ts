/** Shell lines that rewrite an agent's record atomically and append an event. */
import { shellQuote as q } from "../contracts/transport.ts";
import { serializeRecord, type AgentPaths, type AgentRecord } from "./agent-record.ts";
import { sealRecord } from "../trust/record-seal.ts";
import { eventLine, type AgentEventType } from "./events.ts";

/** `home` is FLEET_HOME, whose key seals the record (src/core/trust/record-seal.ts). */
export function writeRecordLines(paths: AgentPaths, record: AgentRecord, home: string): string[] {
  const tmp = `${paths.record}.tmp`;
  const text = serializeRecord(sealRecord(home, record));
  return [`printf '%s' ${q(text)} > ${q(tmp)} && mv -f ${q(tmp)} ${q(paths.record)} || exit 75`];
}

export function appendEventLines(
  paths: AgentPaths,
  type: AgentEventType,
  details?: Record<string, unknown>,
): string[] {
  return [`printf '%s\\n' ${q(eventLine(type, details))} >> ${q(paths.events)}`];
}
