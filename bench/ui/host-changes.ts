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

export async function fleetCommand(bench: BenchEnv, args: string[]): Promise<void> {
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
