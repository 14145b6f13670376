/**
 * `fleet stop|start` and the MCP `stop_agent`/`start_agent` tools. Each agent is
 * stopped or started under its host's lock; one already in the wanted state is
 * reported through the IoHost and left alone.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { stopAgent } from "../host/lifecycle.ts";
import { wakeAgent } from "../idle/wake-host.ts";
import { findTargets, withHostLock } from "./agent-target.ts";

export interface StartStopResult {
  /** How many agents the names or selectors picked. */
  matched: number;
  /** The agents this call stopped (or started), in the order picked. */
  changed: string[];
}

/** Stops the agents named by `refs`, or picked by label `selectors`; their work dirs stay. */
export async function stopAgents(
  refs: readonly string[],
  selectors: readonly string[],
  ctx: ProviderContext,
  reason = "stopped by user (fleet stop)",
): Promise<StartStopResult> {
  const { targets } = await findTargets(refs, selectors, ctx);
  const changed: string[] = [];
  for (const { agent, handle } of targets) {
    if (agent.state === "STOPPED") {
      ctx.io.notify({
        level: "info",
        code: "stop.already",
        message: `${agent.name} is already stopped`,
      });
      continue;
    }
    await withHostLock(handle, () => stopAgent(handle, agent.name, { reason }));
    changed.push(agent.name);
  }
  return { matched: targets.length, changed };
}

/**
 * Starts stopped (or finished, or missing) agents again, their hosts first when
 * those were stopped too; secrets are read from `env` (they are never stored).
 */
export async function startAgents(
  refs: readonly string[],
  selectors: readonly string[],
  ctx: ProviderContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartStopResult> {
  const { targets } = await findTargets(refs, selectors, ctx);
  const changed: string[] = [];
  for (const { agent, handle } of targets) {
    if (agent.state === "RUNNING" || agent.state === "WAITING") {
      ctx.io.notify({
        level: "info",
        code: "start.already",
        message: `${agent.name} is already running`,
      });
      continue;
    }
    // Under the host's lock, so a reconcile cannot stop the host again in between.
    await withHostLock(handle, () => wakeAgent(handle, agent, env));
    changed.push(agent.name);
  }
  return { matched: targets.length, changed };
}
