/** `fleet list` with 50 local agents vs node start-up + one `tmux list-sessions`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, fleetBin, nodeBin, run, timePaired, writeResult } from "./lib.ts";

const AGENTS = 50;
const bench = benchEnv("list");
try {
  const file = join(bench.dir, "fleet.yaml");
  const agents = Array.from(
    { length: AGENTS },
    (_, i) => `  a${i}: { agent: command, command: "sleep 3600" }`,
  ).join("\n");
  writeFileSync(file, `version: 1\nname: benchlist\nagents:\n${agents}\n`);
  run(nodeBin, [fleetBin, "apply", "-f", file, "-y"], bench.env);
  const count = (
    JSON.parse(run(nodeBin, [fleetBin, "list", "--json"], bench.env)) as { agents: unknown[] }
  ).agents.length;
  if (count !== AGENTS) throw new Error(`expected ${AGENTS} agents, listed ${count}`);

  const floorScript = "require('node:child_process').execFileSync('tmux', ['list-sessions'])";
  const { measured, floor, ratio } = timePaired(
    { command: nodeBin, args: () => [fleetBin, "list"] },
    { command: nodeBin, args: () => ["-e", floorScript] },
    bench.env,
  );
  writeResult({
    name: `fleet list, ${AGENTS} local agents`,
    measured,
    floor,
    ratio,
    floorDescription: "node -e (execFileSync tmux list-sessions), run in turns with it",
    budget: "≤ 1.5× floor",
    pass: ratio <= 1.5,
  });
} finally {
  bench.cleanup();
}
