/** Shell lines that rewrite an agent's record atomically and append an event. */
import { shellQuote as q } from "../contracts/transport.ts";
import { serializeRecord, type AgentPaths, type AgentRecord } from "./agent-record.ts";
import { eventLine, type AgentEventType } from "./events.ts";

export function writeRecordLines(paths: AgentPaths, record: AgentRecord): string[] {
  const tmp = `${paths.record}.tmp`;
  return [
    `printf '%s' ${q(serializeRecord(record))} > ${q(tmp)} && mv -f ${q(tmp)} ${q(paths.record)} || exit 75`,
  ];
}

export function appendEventLines(
  paths: AgentPaths,
  type: AgentEventType,
  details?: Record<string, unknown>,
): string[] {
  return [`printf '%s\\n' ${q(eventLine(type, details))} >> ${q(paths.events)}`];
}
