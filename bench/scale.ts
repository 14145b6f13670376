/**
 * Scale: `fleet plan`, `list`, `apply` (no changes) and `reconcile` for 100,
 * 1,000 and 5,000 agents on 50 simulated hosts 50 ms away each (bench/scale/),
 * against node start + one simulated round trip in the same rounds. At 1,000
 * agents, list and plan also run with no latency: what the 50 hosts' round
 * trips add is one round trip when discovery asks them all at once, fifty when
 * one after another. The growth table goes to stderr, the rows to stdout.
 */
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, nodeBin, run, writeResult, type Timing } from "./lib.ts";
import { buildFleetSim } from "./scale/build.ts";
import { writeScaleFixture, type ScaleFixture } from "./scale/fixture.ts";
import { timeInterleaved, type Case, type Timed } from "./scale/interleave.ts";
import type { SimStats } from "./scale/sim-provider.ts";

const HOSTS = 50;
const LATENCY_MS = 50;
const SIZES = [
  { agents: 100, runs: 10, warmup: 2 },
  { agents: 1000, runs: 10, warmup: 2 },
  { agents: 5000, runs: 5, warmup: 1 },
];
const OPERATIONS = ["plan", "list", "apply", "reconcile", "reconcile-idle"] as const;
type Operation = (typeof OPERATIONS)[number];

const bench = benchEnv("scale");
try {
  const fleetSim = await buildFleetSim(join(bench.dir, "bundle"));
  const simEnv = (probes: string, latencyMs = LATENCY_MS): NodeJS.ProcessEnv => ({
    ...bench.env,
    FLEET_SIM_DIR: probes,
    FLEET_SIM_LATENCY_MS: String(latencyMs),
  });
  const fleet = (label: string, args: string[], env: NodeJS.ProcessEnv): Case => ({
    label,
    command: nodeBin,
    args: [fleetSim, ...args],
    env,
  });
  const operations = (fixture: ScaleFixture): Record<Operation, Case> => ({
    plan: fleet(
      "plan",
      ["plan", "-f", fixture.file, "--detailed-exitcode"],
      simEnv(fixture.activeDir),
    ),
    list: fleet("list", ["list"], simEnv(fixture.activeDir)),
    apply: fleet("apply", ["apply", "-f", fixture.file, "-y"], simEnv(fixture.activeDir)),
    reconcile: fleet("reconcile", ["reconcile", "-f", fixture.file], simEnv(fixture.activeDir)),
    "reconcile-idle": fleet(
      "reconcile-idle",
      ["reconcile", "-f", fixture.file, "--dry-run"],
      simEnv(fixture.idleDir),
    ),
  });
  const floor: Case = {
    label: "floor",
    command: nodeBin,
    args: ["-e", `setTimeout(() => {}, ${LATENCY_MS})`],
    env: bench.env,
  };

  const table = new Map<number, Map<string, Timed>>();
  const stats: SimStats[] = [];
  for (const size of SIZES) {
    const fixture = await writeScaleFixture(
      bench.dir,
      { home: bench.env.FLEET_HOME ?? "", prefix: bench.prefix },
      HOSTS,
      size.agents,
    );
    const ops = operations(fixture);
    checkOutputs(ops, size.agents);
    if (size.agents === 1000) stats.push(...simStats(Object.values(ops)));
    const extra =
      size.agents === 1000
        ? [
            { ...ops.list, label: "list@0", env: simEnv(fixture.activeDir, 0) },
            { ...ops.plan, label: "plan@0", env: simEnv(fixture.activeDir, 0) },
          ]
        : [];
    process.stderr.write(`scale: ${size.agents} agents, ${size.runs} rounds\n`);
    table.set(
      size.agents,
      timeInterleaved([floor, ...Object.values(ops), ...extra], size.runs, size.warmup),
    );
    for (const probes of [fixture.activeDir, fixture.idleDir]) rmSync(probes, { recursive: true });
  }

  const at1000 = table.get(1000);
  const get = (timings: Map<string, Timed> | undefined, label: string): Timing => {
    const timing = timings?.get(label);
    if (!timing) throw new Error(`scale: no timing for ${label}`);
    return timing.wall;
  };
  const floorDescription = `node -e (setTimeout ${LATENCY_MS} ms): node start + one simulated round trip`;
  const rows: { op: Operation; name: string; budget: string; limitMs?: number }[] = [
    { op: "plan", name: "fleet plan", budget: "≤ 1 s", limitMs: 1000 },
    { op: "list", name: "fleet list", budget: "—" },
    { op: "apply", name: "fleet apply, no changes", budget: "—" },
    { op: "reconcile", name: "fleet reconcile -f, none idle", budget: "—" },
    { op: "reconcile-idle", name: "fleet reconcile -f --dry-run, all idle", budget: "—" },
  ];
  for (const row of rows) {
    const measured = get(at1000, row.op);
    writeResult({
      name: `${row.name}, 1,000 agents on ${HOSTS} sim hosts ${LATENCY_MS} ms away`,
      measured,
      floor: get(at1000, "floor"),
      floorDescription,
      budget: row.budget,
      pass: row.limitMs === undefined || measured.medianMs <= row.limitMs,
    });
  }
  writeResult({
    name: `fleet list, 1,000 agents on ${HOSTS} sim hosts ${LATENCY_MS} ms away, against the same hosts 0 ms away`,
    measured: get(at1000, "list"),
    floor: get(at1000, "list@0"),
    floorDescription: `the same fleet list with no simulated latency (${HOSTS} hosts one after another would add ${HOSTS * LATENCY_MS} ms)`,
    budget: "—",
    pass: true,
  });
  process.stderr.write(growthTable(table, stats));
} finally {
  bench.cleanup();
}

/** One run of each, checking it does what its row says: nothing to change, all idle. */
function checkOutputs(ops: Record<Operation, Case>, agents: number): void {
  const out = (op: Operation) => run(ops[op].command, ops[op].args, ops[op].env);
  for (const op of ["plan", "apply"] as const) {
    if (!out(op).includes("No changes")) throw new Error(`scale: fleet ${op} found changes`);
  }
  const listed = out("list").trim().split("\n").length - 1;
  if (listed !== agents) throw new Error(`scale: fleet list shows ${listed} agents, not ${agents}`);
  const stops = out("reconcile-idle").match(/ will be stopped$/gm)?.length ?? 0;
  const running = out("reconcile").match(/last active .* ago \(timeout/g)?.length ?? 0;
  if (running !== agents || stops !== agents) {
    throw new Error(`scale: reconcile saw ${running} agents, the idle dry run ${stops}`);
  }
}

/** What the sim was asked by one run of each command. */
function simStats(cases: readonly Case[]): SimStats[] {
  const file = join(bench.dir, "sim-stats.jsonl");
  appendFileSync(file, "");
  for (const c of cases) run(c.command, c.args, { ...c.env, FLEET_SIM_STATS: file });
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as SimStats);
}

function growthTable(table: Map<number, Map<string, Timed>>, stats: SimStats[]): string {
  const ms = (t: Timed | undefined) =>
    t === undefined ? "—" : `${Math.round(t.wall.medianMs)} ms (cpu ${Math.round(t.cpuMedianMs)})`;
  const sizes = [...table.keys()];
  const header = [
    "median wall (cpu) of the rounds",
    ...sizes.map((n) => `${n.toLocaleString("en")} agents`),
    "5,000 ÷ 1,000",
  ];
  const lines = [header];
  for (const label of ["floor", ...OPERATIONS]) {
    const cells = sizes.map((n) => ms(table.get(n)?.get(label)));
    const big = table.get(5000)?.get(label);
    const mid = table.get(1000)?.get(label);
    const growth =
      big !== undefined && mid !== undefined
        ? `${(big.wall.medianMs / mid.wall.medianMs).toFixed(2)}× (cpu ${(big.cpuMedianMs / mid.cpuMedianMs).toFixed(2)}×)`
        : "—";
    lines.push([label, ...cells, growth]);
  }
  const at1000 = table.get(1000);
  lines.push(["list@0 (no latency)", "—", ms(at1000?.get("list@0")), "—", "—"]);
  lines.push(["plan@0 (no latency)", "—", ms(at1000?.get("plan@0")), "—", "—"]);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const text = lines.map((l) =>
    l
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("   ")
      .trimEnd(),
  );
  const asked = stats.map(
    (s) =>
      `${s.argv.slice(0, 1).join(" ").padEnd(10)} discover calls ${s.discoverCalls} (hosts ${s.hostsPerCall.join(",")}), probes ${s.probes}, at most ${s.maxProbesInFlight} at once; locks ${s.locks}, at most ${s.maxLocksInFlight} at once`,
  );
  return `\n${text.join("\n")}\n\nthe sim, one run of each at 1,000 agents:\n${asked.join("\n")}\n`;
}
