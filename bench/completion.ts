/**
 * Shell completion, timed per TAB inside bash (the script is sourced once, as
 * in a user's shell): `fleet connect <TAB>` with 30 local agents live and the
 * names cache `fleet list` keeps, and `fleet <TAB>` (commands only).
 * Budget (DESIGN.md): at most 30 ms a TAB.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Timing, benchEnv, fleetBin, nodeBin, run, writeResult } from "./lib.ts";

const AGENTS = 30;
const RUNS = 50;
const bench = benchEnv("completion");
try {
  const file = join(bench.dir, "fleet.yaml");
  const agents = Array.from(
    { length: AGENTS },
    (_, i) => `  c${i}: { agent: command, command: "sleep 3600" }`,
  ).join("\n");
  writeFileSync(file, `version: 1\nname: benchcomp\nagents:\n${agents}\n`);
  run(nodeBin, [fleetBin, "apply", "-f", file, "-y"], bench.env);
  run(nodeBin, [fleetBin, "list"], bench.env); // writes the names cache
  const script = join(bench.dir, "fleet.bash");
  writeFileSync(script, run(nodeBin, [fleetBin, "completion", "bash"], bench.env));

  for (const [label, words, cword, expected] of [
    ["fleet connect <TAB>", "fleet connect ''", 2, AGENTS],
    ["fleet <TAB>", "fleet ''", 1, 10],
  ] as const) {
    const timing = timeTab(script, words, cword, expected);
    writeResult({
      name: `completion: ${label}${label.includes("connect") ? `, ${AGENTS} agents` : ""}`,
      measured: timing,
      budget: "≤ 30 ms",
      pass: timing.medianMs <= 30,
    });
  }
} finally {
  bench.cleanup();
}

/** Runs the completion function RUNS times in one bash, timing each call with EPOCHREALTIME. */
function timeTab(script: string, words: string, cword: number, atLeast: number): Timing {
  const body = `source '${script}'
COMP_WORDS=(${words}); COMP_CWORD=${cword}
_fleet; echo "candidates \${#COMPREPLY[@]}"
for ((i = 0; i < ${RUNS}; i++)); do
  start=$EPOCHREALTIME; _fleet; end=$EPOCHREALTIME
  echo "sample $start $end"
done`;
  const result = spawnSync("bash", ["-c", body], { env: bench.env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`bash failed: ${result.stderr}`);
  const candidates = Number(/candidates (\d+)/.exec(result.stdout)?.[1] ?? 0);
  if (candidates < atLeast)
    throw new Error(`${words}: ${candidates} candidates, expected ≥ ${atLeast}`);
  const samples = [...result.stdout.matchAll(/sample (\S+) (\S+)/g)]
    .map((m) => (Number(m[2]) - Number(m[1])) * 1000)
    .sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { medianMs: at(0.5), p90Ms: at(0.9), runs: samples.length };
}
