/** Waiting for an agent to reach a state: `fleet wait`. */
import { setTimeout as sleep } from "node:timers/promises";
import { FleetError } from "../errors.ts";
import type { AgentState, LiveAgent } from "../model.ts";
import type { HostHandle } from "./handle.ts";
import { readAgent, recordProblem } from "./read-agent.ts";
import { STATE_OF_TARGET, type WaitTarget } from "./wait-targets.ts";

/** `fleet wait` exit codes (docs/cli.md): 0 reached, 1 error, 2 usage. */
export const WAIT_TIMED_OUT_EXIT = 3;
export const WAIT_UNREACHABLE_EXIT = 4;

/**
 * States the agent cannot leave by itself: once in one, only a fleet command
 * (start, destroy) moves it, so a wait for any other state would never end.
 */
const SETTLED: readonly AgentState[] = ["DONE", "STOPPED", "MISSING"];

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Called with each state read that differs from the one before. */
  onState?: (agent: LiveAgent) => void;
}

/**
 * Polls the agent (one probe per interval) until it is in `target`'s state.
 * Fails with exit code 3 at the timeout and 4 when the agent settled elsewhere
 * or was destroyed.
 */
export async function waitForState(
  h: HostHandle,
  name: string,
  target: WaitTarget,
  options: WaitOptions,
): Promise<LiveAgent> {
  const want = STATE_OF_TARGET[target];
  const deadline = Date.now() + options.timeoutMs;
  let last: string | undefined;
  for (;;) {
    const found = await readAgent(h, name);
    if (found.problem) throw recordProblem(found.problem);
    const agent = found.live;
    if (!agent) {
      throw new FleetError("WAIT_UNREACHABLE", `agent ${name} is gone: it was destroyed`, {
        exitCode: WAIT_UNREACHABLE_EXIT,
      });
    }
    const word = `${agent.state}:${agent.waitingFor ?? ""}`;
    if (word !== last) options.onState?.(agent);
    last = word;
    if (agent.state === want) return agent;
    if (SETTLED.includes(agent.state)) {
      throw new FleetError(
        "WAIT_UNREACHABLE",
        `agent ${name} is ${describe(agent)} and will not become ${target} by itself`,
        {
          exitCode: WAIT_UNREACHABLE_EXIT,
          ...(agent.state === "DONE" ? { hint: `see why with \`fleet transcript ${name}\`` } : {}),
          details: { state: agent.state },
        },
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new FleetError(
        "WAIT_TIMED_OUT",
        `agent ${name} did not become ${target} in time: it is ${describe(agent)}`,
        { exitCode: WAIT_TIMED_OUT_EXIT, details: { state: agent.state } },
      );
    }
    const pause = Math.min(options.intervalMs ?? 500, left);
    await sleep(pause);
  }
}

function describe(agent: LiveAgent): string {
  if (agent.state === "DONE" && agent.exitCode !== undefined)
    return `done (exit code ${agent.exitCode})`;
  if (agent.state === "WAITING" && agent.waitingFor) return `waiting (${agent.waitingFor})`;
  return agent.state.toLowerCase();
}
