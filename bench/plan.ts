/** `fleet plan` of 200 declared agents, all live (absolute budget 0.5 s). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, fleetBin, nodeBin, run, time, writeResult } from "./lib.ts";

const AGENTS = 200;
const bench = benchEnv("plan");
try {
  const file = join(bench.dir, "fleet.yaml");
  const agents = Array.from(
    { length: AGENTS },
    (_, i) =>
      `  p${i}: { agent: command, command: "sleep 3600", labels: { shard: "s${i % 7}" }, env: { N: "${i}" } }`,
  ).join("\n");
  writeFileSync(file, `version: 1\nname: benchplan\nagents:\n${agents}\n`);
  run(nodeBin, [fleetBin, "apply", "-f", file, "-y", "--parallelism", "8"], bench.env);
  const floor = time(nodeBin, () => ["-e", "0"], bench.env, 10);
  const measured = time(
    nodeBin,
    () => [fleetBin, "plan", "-f", file, "--detailed-exitcode"],
    bench.env,
    10,
  );
  writeResult({
    name: `fleet plan, ${AGENTS} declared agents all live`,
    measured,
    floor,
    floorDescription: "node -e 0",
    budget: "≤ 500 ms",
    pass: measured.medianMs <= 500,
  });
} finally {
  bench.cleanup();
}
