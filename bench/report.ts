/** Turns benchmark JSON lines into bench/RESULTS.md. */
import { readFileSync } from "node:fs";
import { type BenchResult, machine, ratio } from "./lib.ts";

const lines = readFileSync(process.argv[2] ?? "bench/results/latest.jsonl", "utf8")
  .trim()
  .split("\n");
const results = lines.filter(Boolean).map((l) => JSON.parse(l) as BenchResult);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const rows = results.map((r) => {
  const x = ratio(r);
  return `| ${r.name} | ${ms(r.measured.medianMs)} (p90 ${ms(r.measured.p90Ms)}) | ${r.floor ? `${ms(r.floor.medianMs)} — ${r.floorDescription ?? ""}` : "—"} | ${x === undefined ? "—" : `${x.toFixed(2)}×`} | ${r.budget} | ${r.pass ? "pass" : "**over budget**"} |`;
});
process.stdout.write(`# Benchmark results

Measured by \`npm run bench\` (bench/run-all.sh) on ${new Date().toISOString().slice(0, 10)}, ${machine()}.
Each figure is the median of repeated runs of the real CLI (after warm-up runs); each
floor is measured in the same run on the same machine, so ratios stay meaningful on
shared, noisy machines. Re-run to refresh; do not edit by hand.

| operation | fleet (median) | floor (median) | ratio | budget | result |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
`);
