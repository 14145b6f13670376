/**
 * `fleet wait` and the MCP `wait_for_agent` tool: polls one agent until it
 * reaches a state, telling the IoHost each state it passes through. Waiting
 * changes nothing, so an interrupted wait needs no cleaning up.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { waitForState } from "../host/wait-state.ts";
import type { WaitTarget } from "../host/wait-targets.ts";
import type { LiveAgent } from "../model.ts";
import { safeText } from "../text/safe-text.ts";
import { findAgent } from "./agent-target.ts";

/**
 * Resolves with the agent once it is in `target`'s state; fails with
 * WAIT_TIMED_OUT (exit 3) after `timeoutMs`, WAIT_UNREACHABLE (exit 4) when it
 * settled elsewhere or was destroyed.
 */
export async function waitForAgent(
  ref: string,
  target: WaitTarget,
  timeoutMs: number,
  ctx: ProviderContext,
): Promise<LiveAgent> {
  const { agent, handle } = await findAgent(ref, ctx);
  return waitForState(handle, agent.name, target, {
    timeoutMs,
    onState: (now) => {
      const why = now.waitingFor === undefined ? "" : ` (${now.waitingFor})`;
      ctx.io.notify({
        level: "info",
        code: "wait.state",
        message: safeText(`${now.name}@${now.host}: ${now.state}${why}`),
      });
    },
  });
}
