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
  /** The fleet that owns it, null for an agent made by hand outside any fleet file. */
  fleet: string | null;
  handle: HostHandle;
}

export type AgentUsage = { agent: string; host: string; fleet: string | null; type: string } & (
  | { status: "ok"; usage: TokenUsage; responses: number }
  /** `none`: its type keeps no records; `unreadable`: they could not be read. */
  | { status: "none" | "unreadable"; reason: string }
);

export type UsageSum = TokenUsage & { agents: number; responses: number };

export interface FleetUsage {
  agents: AgentUsage[];
  /** The sum per fleet over its agents with status `ok`, by fleet name (null last). */
  fleets: (UsageSum & { fleet: string | null })[];
  /** The sum over the agents with status `ok`. */
  total: UsageSum;
}

/** Agents read at once. */
const PARALLEL = 8;

async function agentUsage(target: UsageTarget): Promise<AgentUsage> {
  const where = { agent: target.name, host: target.host, fleet: target.fleet };
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
  const total = emptySum();
  const byFleet = new Map<string | null, UsageSum>();
  for (const row of agents) {
    let fleet = byFleet.get(row.fleet);
    if (fleet === undefined) byFleet.set(row.fleet, (fleet = emptySum()));
    if (row.status !== "ok") continue;
    for (const sum of [total, fleet]) {
      sum.input += row.usage.input;
      sum.output += row.usage.output;
      sum.cacheRead += row.usage.cacheRead;
      sum.cacheWrite += row.usage.cacheWrite;
      sum.responses += row.responses;
      sum.agents++;
    }
  }
  const fleets = [...byFleet.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([fleet, sum]) => ({ fleet, ...sum }));
  return { agents, fleets, total };
}

const emptySum = (): UsageSum => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  agents: 0,
  responses: 0,
});
