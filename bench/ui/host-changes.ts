/** The state changes made on the host, each with the state the page should then show. */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fleetBin, nodeBin, type BenchEnv } from "../lib.ts";

const execFileAsync = promisify(execFile);

export interface Change {
  /** What changed, for the table. */
  label: string;
  agent: string;
  state: string;
  /** Makes the change on the host; resolves when the command doing it returned. */
  make(): Promise<void>;
}

async function fleetCommand(bench: BenchEnv, args: string[]): Promise<void> {
  await execFileAsync(nodeBin, [fleetBin, ...args], { env: bench.env, cwd: bench.dir });
}

const markPath = (bench: BenchEnv, agent: string) =>
  join(bench.env.FLEET_HOME ?? "", "agents", agent, "waiting");

/** Waiting marks written and removed on `agents`, one change after the other. */
export function markChanges(bench: BenchEnv, agents: string[]): { on: Change[]; off: Change[] } {
  const on: Change[] = [];
  const off: Change[] = [];
  for (const agent of agents) {
    on.push({
      label: "waiting mark written → WAITING",
      agent,
      state: "WAITING",
      make: () => Promise.resolve(writeFileSync(markPath(bench, agent), "approval\n")),
    });
    off.push({
      label: "waiting mark removed → RUNNING",
      agent,
      state: "RUNNING",
      make: () => Promise.resolve(rmSync(markPath(bench, agent))),
    });
  }
  return { on, off };
}

/** Each agent's tmux session killed (→ MISSING), then `fleet start` bringing it back. */
export function killChanges(bench: BenchEnv, agents: string[]): { on: Change[]; off: Change[] } {
  const session = (agent: string) => `=${bench.prefix}${agent}`;
  const on: Change[] = [];
  const off: Change[] = [];
  for (const agent of agents) {
    on.push({
      label: "tmux session killed → MISSING",
      agent,
      state: "MISSING",
      make: async () => {
        await execFileAsync("tmux", ["kill-session", "-t", session(agent)], { env: bench.env });
      },
    });
    off.push({
      label: "fleet start (MISSING) → RUNNING",
      agent,
      state: "RUNNING",
      make: () => fleetCommand(bench, ["start", agent]),
    });
  }
  return { on, off };
}

/** `fleet stop` on each agent (→ STOPPED), then `fleet start` (→ RUNNING). */
export function stopChanges(bench: BenchEnv, agents: string[]): { on: Change[]; off: Change[] } {
  const on: Change[] = [];
  const off: Change[] = [];
  for (const agent of agents) {
    on.push({
      label: "fleet stop → STOPPED",
      agent,
      state: "STOPPED",
      make: () => fleetCommand(bench, ["stop", agent]),
    });
    off.push({
      label: "fleet start (STOPPED) → RUNNING",
      agent,
      state: "RUNNING",
      make: () => fleetCommand(bench, ["start", agent]),
    });
  }
  return { on, off };
}
