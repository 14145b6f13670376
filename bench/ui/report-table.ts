/** The table on stderr: every figure of the run, with its spread and what it is against. */
import { machine } from "../lib.ts";
import { latencyFloorMs } from "./latency-floor.ts";
import type { Figures } from "./measure.ts";
import type { LatencyFigures } from "./page-latency.ts";
import type { Transfer } from "./page-load.ts";
import { AGENTS, CHANGES, LOADS, MEMORY_SAMPLES, PAGES, SLOW_CHANGES } from "./settings.ts";
import type { Stats } from "./stats.ts";

/** How loaded the machine was around the run, and how long it took. */
export interface RunConditions {
  loadBefore: number;
  loadAfter: number;
  elapsedS: number;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const spread = (s: Stats) =>
  `${ms(s.median)} (p90 ${ms(s.p90)}, ${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
const mib = (s: Stats) => `${s.median.toFixed(1)} MiB (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const sum = (ts: Transfer[], key: "wire" | "body") => ts.reduce((n, t) => n + t[key], 0);
const path = (url: string) => new URL(url).pathname + (new URL(url).search ? "?…" : "");
const transfers = (ts: Transfer[]) =>
  ts.map(
    (t) =>
      `  ${path(t.url).padEnd(30)} ${kib(t.wire).padStart(10)} on the wire, ${kib(t.body).padStart(10)} decoded${t.open ? " (still open: headers + body)" : ""}`,
  );
const latencyLines = (label: string, l: LatencyFigures, fromReturn = false) => [
  `${label}: page ${spread(l.page)}`,
  `    event stream ${spread(l.feed)}${fromReturn ? `; page after the command returned ${spread(l.afterReturn)}` : ""}`,
];

export function tableLines(f: Figures, conditions: RunConditions): string[] {
  const loads = f.loadDuring.filter(Number.isFinite);
  return [
    `fleet ui, ${AGENTS} local command agents; ${machine()}; load average ${conditions.loadBefore.toFixed(1)} → ${conditions.loadAfter.toFixed(1)} (sampled every 5 s: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`,
    "",
    `first load (${LOADS} paired, fresh context each), from the navigation's start:`,
    `  floor: same files from a bare node:http, until load   ${spread(f.loads.floor)}`,
    `  fleet ui: until load                                   ${spread(f.loads.load)}`,
    `  fleet ui: until the page opens its event stream       ${spread(f.loads.opened)}`,
    `  fleet ui: until the first list arrives on it           ${spread(f.loads.event)}`,
    `  fleet ui: until the ${AGENTS} rows are in the page          ${spread(f.loads.shown)}`,
    `  list shown ÷ paired floor                              ${f.loads.pairedRatio.median.toFixed(2)}× (${f.loads.pairedRatio.min.toFixed(2)}–${f.loads.pairedRatio.max.toFixed(2)})`,
    "",
    `bytes, fleet ui until the list is shown: ${kib(sum(f.fleetTransfers, "wire"))} on the wire, ${kib(sum(f.fleetTransfers, "body"))} decoded`,
    ...transfers(f.fleetTransfers),
    `bytes, floor: ${kib(sum(f.floorTransfers, "wire"))} on the wire, ${kib(sum(f.floorTransfers, "body"))} decoded`,
    `an 'agents' event (${AGENTS} agents), as sent: ${kib(f.eventBytes)} (gzipped it would be ${kib(f.eventGzip)}); fleet list --format json: ${kib(f.listJsonBytes)}`,
    "",
    `fleet list --format json                              ${ms(f.listJson.medianMs)} (p90 ${ms(f.listJson.p90Ms)})`,
    `one discovery round in process (readLive)             ${spread(f.rounds)}; later ${spread(f.roundsSlow)}`,
    `cold: fleet ui started → link printed                 ${spread(f.coldPrinted)}`,
    `cold: fleet ui started → link opened → page's load    ${spread(f.coldLoaded)}`,
    `cold: fleet ui started → link opened → list shown     ${spread(f.cold)}`,
    "",
    `memory (VmRSS, median of ${MEMORY_SAMPLES} a second apart):`,
    `  floor: the bare node:http server above               ${mib(f.memory.floor)}`,
    `  fleet ui, no agents, idle                            ${mib(f.memory.empty)}`,
    `  fleet ui, ${AGENTS} agents, idle                          ${mib(f.memory.idle)}`,
    `  fleet ui, ${AGENTS} agents, ${PAGES} pages open                   ${mib(f.memory.pages)}`,
    `  fleet ui, ${AGENTS} agents, pages closed                  ${mib(f.memory.closed)}`,
    `  fleet ui VmHWM after the latency runs                ${f.memory.hwm.toFixed(1)} MiB`,
    `  fleet ui CPU while idle (own + discovery's children) ${(f.memory.idleCpu.own / 10).toFixed(1)}% + ${(f.memory.idleCpu.children / 10).toFixed(1)}% of a core`,
    "",
    `latency, state change on the host → page (medians of ${CHANGES} changes each; clock offset page − here ${f.offset.offset.toFixed(2)} ms, rtt ${f.offset.rtt.toFixed(2)} ms)`,
    `--refresh 1s (floor ½ interval + a round = ${ms(latencyFloorMs(f.rounds, 1000))}):`,
    ...latencyLines("  waiting mark written → WAITING", f.fast.markOn),
    ...latencyLines("  waiting mark removed → RUNNING", f.fast.markOff),
    ...latencyLines("  tmux kill-session → MISSING", f.fast.kill, true),
    ...latencyLines("  fleet start (MISSING) → RUNNING", f.fast.restart, true),
    ...latencyLines("  fleet stop → STOPPED", f.fast.stop, true),
    ...latencyLines("  fleet start (STOPPED) → RUNNING", f.fast.start, true),
    `--refresh 3s (floor ${ms(latencyFloorMs(f.roundsSlow, 3000))}), ${SLOW_CHANGES} changes each:`,
    ...latencyLines("  waiting mark written → WAITING", f.slow.markOn),
    ...latencyLines("  waiting mark removed → RUNNING", f.slow.markOff),
    "",
    `took ${conditions.elapsedS.toFixed(0)} s`,
  ];
}
