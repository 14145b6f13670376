/**
 * Which secrets a plan will hand to agents, and which of them the environment
 * lacks. Only names are looked at or reported; values stay in the environment
 * until the engine reads them for a launch.
 */
import type { AgentSpec } from "../model.ts";
import type { Change, MissingSecret, Plan } from "./types.ts";

/** Changes that launch an agent's process, and so hand it its secrets. */
const LAUNCHES: ReadonlySet<Change["action"]> = new Set(["create", "replace", "start"]);

/** The spec whose secrets a change will hand over, if it launches an agent. */
export function launchedSpec(change: Change): AgentSpec | undefined {
  if (change.kind !== "agent" || !LAUNCHES.has(change.action)) return undefined;
  return ((change.after ?? change.before) as AgentSpec | null) ?? undefined;
}

export function missingSecrets(plan: Plan, env: NodeJS.ProcessEnv): MissingSecret[] {
  const missing: MissingSecret[] = [];
  for (const change of plan.changes) {
    const spec = launchedSpec(change);
    if (spec === undefined) continue;
    const unset = spec.secrets.filter((name) => env[name] === undefined);
    if (unset.length > 0)
      missing.push({ address: change.address, agent: spec.name, secrets: unset });
  }
  return missing;
}

/** Every missing name once, sorted: what the user has to export. */
export function missingNames(missing: readonly MissingSecret[]): string[] {
  return [...new Set(missing.flatMap((entry) => entry.secrets))].sort();
}
