/**
 * The agent runtime: everything fleet does to agents on a host, written once
 * against the Transport contract so it runs the same locally, in containers and
 * over SSH. Each operation is one shell script (one round trip) where it can be.
 */
export {
  agentDir,
  agentPaths,
  sessionName,
  parseRecord,
  serializeRecord,
  type AgentRecord,
} from "./agent-record.ts";
export { type HostHandle } from "./handle.ts";
export { discoverAgents, type DiscoverOptions } from "./discover-agents.ts";
export { createAgent, type CreateAgentOptions } from "./create-agent.ts";
export { startAgent, stopAgent, updateAgent } from "./lifecycle.ts";
export { restartServices, serviceLogPath } from "./services.ts";
export { destroyAgent } from "./destroy-agent.ts";
export { type SavedWork } from "./saved-work.ts";
export { sendMessage, waitForReady } from "./message.ts";
export { readTranscript, readEvents, followTranscript, followEvents } from "./transcript.ts";
export { stripTerminal } from "./terminal-text.ts";
export { type AgentEvent, type AgentEventType } from "./events.ts";
export { attachCommand, execCommand, EXEC_AGENT_ABSENT } from "./interactive.ts";
export { acquireHostLock } from "./lock.ts";
export { readAgent, type AgentOnHost } from "./read-agent.ts";
export { waitForState } from "./wait-state.ts";
export type { DeliveryPayload } from "./delivery.ts";
export {
  assertKeyNames,
  assertTypeable,
  characterCount,
  normalizeLineEnds,
} from "../text/message-check.ts";
