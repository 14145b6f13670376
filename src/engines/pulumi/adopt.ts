/**
 * Adoption: an agent the native engine made, that runs as the fleet file
 * declares it and that the stack does not hold yet, is imported into the stack
 * rather than made again. One that differs is left to the plan (updated or
 * replaced, its work saved), as natively.
 */
import type { Stack } from "@pulumi/pulumi/automation/index.js";
import type { DesiredState, LiveState } from "../../core/model.ts";
import { diffAgentSpecs } from "../../core/plan/diff.ts";
import { AGENT_TYPE, agentId, nameOfUrn } from "./resource-types.ts";

/** Names of the agents the stack's state holds. */
export async function agentsInStack(stack: Stack): Promise<Set<string>> {
  const exported = await stack.exportStack();
  const deployment = exported.deployment as { resources?: { type?: string; urn?: string }[] };
  const resources = deployment.resources ?? [];
  return new Set(
    resources
      .filter((r) => r.type === AGENT_TYPE && typeof r.urn === "string")
      .map((r) => nameOfUrn(r.urn ?? "")),
  );
}

/** Agent ids to import, by name. */
export function adoptable(
  desired: DesiredState,
  live: LiveState,
  inStack: ReadonlySet<string>,
): Map<string, string> {
  const adopt = new Map<string, string>();
  for (const agent of desired.agents) {
    if (inStack.has(agent.name)) continue;
    const running = live.agents.find(
      (a) => a.name === agent.name && a.host === agent.host && a.fleet === desired.fleet,
    );
    if (!running || running.state === "MISSING") continue;
    if (diffAgentSpecs(running.spec, agent).length > 0) continue;
    adopt.set(agent.name, agentId(agent.host, agent.name));
  }
  return adopt;
}
