/** The states `fleet wait --state` takes: light, so the CLI's parser can list them. */
import type { AgentState } from "../model.ts";

export const WAIT_TARGETS = ["waiting", "done", "running", "stopped"] as const;
export type WaitTarget = (typeof WAIT_TARGETS)[number];

export const STATE_OF_TARGET: Record<WaitTarget, AgentState> = {
  waiting: "WAITING",
  done: "DONE",
  running: "RUNNING",
  stopped: "STOPPED",
};
