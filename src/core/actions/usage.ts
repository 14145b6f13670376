/**
 * `fleet usage`: tokens per agent, summed from each agent's own records
 * (src/core/host/records.ts), and for the fleet. An agent whose records cannot
 * be read, or whose type keeps none, is a row that says so, never a zero.
 */
import type { TokenUsage } from "../contracts/conversation.ts";
import { FleetError } from "../errors.ts";
import type { HostHandle } from "../host/handle.ts";
import { readConversation } from "../host/records.ts";

export interface UsageTarget {
  name: string;
  host: string;
  handle: HostHandle;
}

export type AgentUsage = { agent: string; host: string; type: string } & (
  | { status: "ok"; usage: TokenUsage; responses: number }
  /** `none`: its type keeps no records; `unreadable`: they could not be read. */
  | { status: "none" | "unreadable"; reason: string }
);

export interface FleetUsage {
  agents: AgentUsage[];
  /** The sum over the agents with status `ok`. */
  total: TokenUsage & { agents: number; responses: number };
}

/** Agents read at once. */
const PARALLEL = 8;

async function agentUsage(target: UsageTarget): Promise<AgentUsage> {
  const where = { agent: target.name, host: target.host };
  try {
    const read = await readConversation(target.handle, target.name);
    if (read.kind === "records") {
      const { usage, responses } = read.conversation;
      return { ...where, type: read.type, status: "ok", usage, responses };
    }
    if (read.kind === "none")
      return { ...where, type: read.type, status: "none", reason: "its type keeps no records" };
    return { ...where, type: read.type, status: "unreadable", reason: read.reason };
  } catch (error) {
    const reason = error instanceof FleetError ? error.message : String(error);
    return { ...where, type: "", status: "unreadable", reason };
  }
}

export async function fleetUsage(targets: readonly UsageTarget[]): Promise<FleetUsage> {
  const agents: AgentUsage[] = new Array<AgentUsage>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index];
      if (target) agents[index] = await agentUsage(target);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, targets.length) }, worker));
  const total = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, agents: 0, responses: 0 };
  for (const row of agents) {
    if (row.status !== "ok") continue;
    total.input += row.usage.input;
    total.output += row.usage.output;
    total.cacheRead += row.usage.cacheRead;
    total.cacheWrite += row.usage.cacheWrite;
    total.responses += row.responses;
    total.agents++;
  }
  return { agents, total };
}
