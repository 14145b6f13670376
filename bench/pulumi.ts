/**
 * `fleet apply --engine pulumi` against the native engine in the same run: 20
 * new local agents, one new agent, and one unchanged agent. From these come the
 * Pulumi engine's fixed cost and its cost per resource (and the native one's).
 * The native engine stays the default while Pulumi's fixed cost is over 2 s.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, fleetBin, nodeBin, run, writeResult, type Timing } from "./lib.ts";

const RUNS = Number(process.env.FLEET_BENCH_RUNS ?? "5");
const bench = benchEnv("pulumi");

function fleetFile(name: string, agents: number): string {
  const file = join(bench.dir, `${name}.yaml`);
  const lines = Array.from(
    { length: agents },
    (_, i) => `  ${name}${i}: { agent: command, command: "sleep 3600" }`,
  );
  writeFileSync(file, `version: 1\nname: ${name}\nagents:\n${lines.join("\n")}\n`);
  return file;
}

const engineArgs = (engine: string) => (engine === "pulumi" ? ["--engine", "pulumi"] : []);

/** Median and p90 of `runs` timed applies; `reset` runs untimed before each. */
function timeApply(file: string, engine: string, reset: boolean): Timing {
  const apply = [fleetBin, "apply", "-f", file, "-y", ...engineArgs(engine)];
  const destroy = [fleetBin, "destroy", "-f", file, "-y", ...engineArgs(engine)];
  run(nodeBin, apply, bench.env);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (reset) run(nodeBin, destroy, bench.env);
    const start = performance.now();
    run(nodeBin, apply, bench.env);
    samples.push(performance.now() - start);
  }
  run(nodeBin, destroy, bench.env);
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { medianMs: at(0.5), p90Ms: at(0.9), runs: RUNS };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  const one = fleetFile("pone", 1);
  const twenty = fleetFile("ptwenty", 20);
  const results = Object.fromEntries(
    ["native", "pulumi"].map((engine) => [
      engine,
      {
        twenty: timeApply(twenty, engine, true),
        one: timeApply(one, engine, true),
        unchanged: timeApply(one, engine, false),
      },
    ]),
  ) as Record<"native" | "pulumi", { twenty: Timing; one: Timing; unchanged: Timing }>;
  const costs = (engine: "native" | "pulumi") => {
    const r = results[engine];
    const perResource = (r.twenty.medianMs - r.one.medianMs) / 19;
    return { perResource, fixed: r.one.medianMs - perResource };
  };
  const pulumi = costs("pulumi");
  const native = costs("native");
  const notes = `Pulumi: fixed ${s(pulumi.fixed)}, ${Math.round(pulumi.perResource)} ms per agent; native: fixed ${s(native.fixed)}, ${Math.round(native.perResource)} ms per agent. Native stays the default while Pulumi's fixed cost is over 2 s.`;
  writeResult({
    name: "fleet apply --engine pulumi, 20 new local agents",
    measured: results.pulumi.twenty,
    floor: results.native.twenty,
    floorDescription: "fleet apply (native engine), same fleet, same run",
    budget: "—",
    pass: true,
    notes,
  });
  writeResult({
    name: "fleet apply --engine pulumi, one unchanged agent",
    measured: results.pulumi.unchanged,
    floor: results.native.unchanged,
    floorDescription: "fleet apply (native engine), same fleet, same run",
    budget: "—",
    pass: true,
    notes: `one new agent: Pulumi ${s(results.pulumi.one.medianMs)}, native ${s(results.native.one.medianMs)}`,
  });
} finally {
  bench.cleanup();
}
