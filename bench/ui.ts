/**
 * The dashboard (`fleet ui`) with 50 local `command` agents, in Debian's
 * chromium (headless, driven by playwright-core), on loopback:
 *
 * - First load: the printed link opened in a fresh browser context, timed in
 *   the page from the start of its navigation (the 303 that swaps the token for
 *   a cookie included) until the 50 rows are in the DOM (a MutationObserver
 *   installed before the page's scripts). Floor, paired with each load in the
 *   same run: the same files, gzipped as fleet serves them and with the same
 *   headers and the same 303, from a bare node:http server, until `load`.
 * - Bytes: one load of each with the Chrome DevTools Protocol's Network events:
 *   what crossed the wire (headers and encoded bodies; the event stream until
 *   the list is shown) and the decoded bodies, against `fleet list --format
 *   json`'s output for the same agents.
 * - Cold start: `fleet ui` started, its link opened as soon as it is printed,
 *   until the list is shown; floor: `fleet list --format json`, the same run.
 * - Memory: VmRSS of the `fleet ui` process idle, with 5 pages open, after they
 *   closed (median of 5 samples a second apart each), its VmHWM at the end, its
 *   CPU while idle; `fleet ui` with no agents; floor: the static server above
 *   (a bare node:http server holding the page's files).
 * - Latency from a state change on the host to the page showing it: the
 *   waiting mark written (RUNNING → WAITING) and removed, the tmux session
 *   killed (→ MISSING), `fleet stop` (→ STOPPED) and `fleet start` (→ RUNNING),
 *   each after a random pause (so the changes fall uniformly over the discovery
 *   loop's phase), with `--refresh 1s` (the default) and `--refresh 3s`. The
 *   page records when the row's `data-state` changed (its clock, corrected by
 *   the offset to this process's clock measured by round trips); a bare
 *   event-stream reader in this process times when the server sent it. Floor:
 *   half the refresh interval plus one discovery round (`readLive`, what the
 *   server runs each round, timed in this process the same run).
 *
 * stdout: the JSON result lines of bench/run-all.sh; stderr: a table.
 */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { launchBrowser, type TestBrowser } from "../test/helpers/browser.ts";
import {
  benchEnv,
  fleetBin,
  machine,
  nodeBin,
  run,
  time,
  writeResult,
  type Timing,
} from "./lib.ts";
import { sleep, wallNow } from "./ui/clock.ts";
import {
  AGENTS,
  CHANGES,
  COLD_STARTS,
  distUi,
  LOAD_WARMUP,
  LOADS,
  MEMORY_SAMPLES,
  PAGES,
  ROUNDS,
  SLOW_CHANGES,
  VIEWPORT,
} from "./ui/settings.ts";
import { discoveryRounds } from "./ui/latency-floor.ts";
import { fleetCommand, markChanges, type Change } from "./ui/host-changes.ts";
import { clockOffset, measurePairs, watchers, type LatencyFigures } from "./ui/page-latency.ts";
import { loadOnce, type Load, type Transfer } from "./ui/page-load.ts";
import { listShown, PAGE_PROBE } from "./ui/page-probe.ts";
import { startStatic } from "./ui/static-floor.ts";
import { type Stats, stats, timing } from "./ui/stats.ts";
import { cpuMs, memory, rssOver, startUi, stopChild } from "./ui/ui-process.ts";

const execFileAsync = promisify(execFile);

// ----------------------------------------------------------------- the run

interface Figures {
  listJson: Timing;
  listJsonBytes: number;
  rounds: Stats;
  roundsSlow: Stats;
  loads: {
    floor: Stats;
    load: Stats;
    shown: Stats;
    opened: Stats;
    event: Stats;
    pairedRatio: Stats;
  };
  fleetTransfers: Transfer[];
  floorTransfers: Transfer[];
  eventBytes: number;
  eventGzip: number;
  cold: Stats;
  coldPrinted: Stats;
  coldLoaded: Stats;
  memory: {
    idle: Stats;
    pages: Stats;
    closed: Stats;
    hwm: number;
    empty: Stats;
    floor: Stats;
    idleCpu: { own: number; children: number };
  };
  offset: { offset: number; rtt: number };
  fast: {
    markOn: LatencyFigures;
    markOff: LatencyFigures;
    kill: LatencyFigures;
    restart: LatencyFigures;
    stop: LatencyFigures;
    start: LatencyFigures;
  };
  slow: { markOn: LatencyFigures; markOff: LatencyFigures };
  loadDuring: number[];
}

const names = Array.from({ length: AGENTS }, (_, i) => `a${i}`);

async function measure(): Promise<Figures> {
  if (!existsSync(join(distUi, "index.html")))
    throw new Error("dist/ui is not built: npm run build");
  const bench = benchEnv("ui");
  const empty = benchEnv("ui0");
  const started: { stop(): Promise<void> }[] = [];
  let browser: TestBrowser | undefined;
  const loadDuring: number[] = [];
  const sampler = setInterval(() => loadDuring.push(loadavg()[0] ?? NaN), 5000);
  try {
    const file = join(bench.dir, "fleet.yaml");
    const agents = names.map((n) => `  ${n}: { agent: command, command: "sleep 3600" }`);
    writeFileSync(file, `version: 1\nname: benchui\nagents:\n${agents.join("\n")}\n`);
    run(nodeBin, [fleetBin, "apply", "-f", file, "-y"], bench.env, bench.dir);
    const listed = run(nodeBin, [fleetBin, "list", "--format", "json"], bench.env, bench.dir);
    if ((JSON.parse(listed) as { agents: unknown[] }).agents.length !== AGENTS) {
      throw new Error("the fleet file made the wrong number of agents");
    }

    browser = await launchBrowser();
    const b = browser.browser;
    const floor = await startStatic();
    started.push({ stop: () => stopChild(floor.child) });
    const ui = await startUi(bench);
    started.push(ui);
    const uiPid = ui.child.pid ?? 0;
    // The first round has run once the page can show the list.
    await loadOnce(b, ui.url, true);
    await sleep(3000);

    // Memory and CPU while idle: no page open, the discovery loop reading the host every second.
    const cpuBefore = cpuMs(uiPid);
    const idleStart = performance.now();
    const idle = await rssOver(uiPid);
    const cpuAfter = cpuMs(uiPid);
    const idleS = (performance.now() - idleStart) / 1000;
    const idleCpu = {
      own: (cpuAfter.own - cpuBefore.own) / idleS,
      children: (cpuAfter.children - cpuBefore.children) / idleS,
    };
    const floorRss = await rssOver(floor.child.pid ?? 0);

    // The list read once from the hosts: as the CLI does it, and as the server does it.
    const listJson = time(nodeBin, () => [fleetBin, "list", "--format", "json"], bench.env, 10, 2);
    const rounds = await discoveryRounds(bench, ROUNDS);

    // Bytes: one load of each, counted by the browser.
    const fleetBytes = await loadOnce(b, ui.url, true, true);
    const floorBytes = await loadOnce(b, `${floor.base}/?token=x`, false, true);

    // First loads, paired: the floor and fleet one after the other, the order alternating.
    for (let i = 0; i < LOAD_WARMUP; i++) {
      await loadOnce(b, `${floor.base}/?token=x`, false);
      await loadOnce(b, ui.url, true);
    }
    const floorLoads: number[] = [];
    const fleetLoads: Load[] = [];
    for (let i = 0; i < LOADS; i++) {
      const floorFirst = i % 2 === 0;
      if (floorFirst) floorLoads.push((await loadOnce(b, `${floor.base}/?token=x`, false)).load);
      fleetLoads.push(await loadOnce(b, ui.url, true));
      if (!floorFirst) floorLoads.push((await loadOnce(b, `${floor.base}/?token=x`, false)).load);
    }
    const loads = {
      floor: stats(floorLoads),
      load: stats(fleetLoads.map((l) => l.load)),
      shown: stats(fleetLoads.map((l) => l.shown ?? NaN)),
      opened: stats(fleetLoads.map((l) => l.opened ?? NaN)),
      event: stats(fleetLoads.map((l) => l.event ?? NaN)),
      pairedRatio: stats(fleetLoads.map((l, i) => (l.shown ?? NaN) / (floorLoads[i] ?? NaN))),
    };

    // Memory with PAGES pages open on the list, then after they closed.
    const contexts = await Promise.all(
      Array.from({ length: PAGES }, () => b.newContext({ viewport: VIEWPORT })),
    );
    for (const context of contexts) {
      await context.addInitScript(PAGE_PROBE);
      const page = await context.newPage();
      await page.goto(ui.url);
      await listShown(page);
    }
    await sleep(3000);
    const pages = await rssOver(uiPid);
    for (const context of contexts) await context.close();
    await sleep(3000);
    const closed = await rssOver(uiPid);

    // Latency with the default --refresh (1s).
    const fast = await watchers(b, ui);
    const marks = markChanges(bench, names.slice(0, CHANGES));
    const markFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      marks.on,
      marks.off,
    );
    const session = (agent: string) => `=${bench.prefix}${agent}`;
    const kills: Change[] = [];
    const restarts: Change[] = [];
    for (const agent of names.slice(CHANGES, 2 * CHANGES)) {
      kills.push({
        label: "tmux session killed → MISSING",
        agent,
        state: "MISSING",
        make: async () => {
          await execFileAsync("tmux", ["kill-session", "-t", session(agent)], { env: bench.env });
        },
      });
      restarts.push({
        label: "fleet start (MISSING) → RUNNING",
        agent,
        state: "RUNNING",
        make: () => fleetCommand(bench, ["start", agent]),
      });
    }
    const killFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      kills,
      restarts,
    );
    const stops: Change[] = [];
    const starts: Change[] = [];
    for (const agent of names.slice(2 * CHANGES, 3 * CHANGES)) {
      stops.push({
        label: "fleet stop → STOPPED",
        agent,
        state: "STOPPED",
        make: () => fleetCommand(bench, ["stop", agent]),
      });
      starts.push({
        label: "fleet start (STOPPED) → RUNNING",
        agent,
        state: "RUNNING",
        make: () => fleetCommand(bench, ["start", agent]),
      });
    }
    const stopFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      stops,
      starts,
    );
    const eventBytes = Buffer.byteLength(fast.reader.lastEvent);
    const eventGzip = gzipSync(fast.reader.lastEvent).length;
    await fast.close();
    const hwm = memory(uiPid).hwm;
    await ui.stop();

    // Latency with --refresh 3s.
    const slowUi = await startUi(bench, ["--refresh", "3s"]);
    started.push(slowUi);
    const slow = await watchers(b, slowUi);
    const slowMarks = markChanges(bench, names.slice(3 * CHANGES, 3 * CHANGES + SLOW_CHANGES));
    const slowFigures = await measurePairs(
      3000,
      slow.page,
      slow.offset.offset,
      slow.reader,
      slowMarks.on,
      slowMarks.off,
    );
    await slow.close();
    const roundsSlow = await discoveryRounds(bench, ROUNDS);
    await slowUi.stop();

    // Cold start: fleet ui started, its link opened at once, until the list is shown.
    const cold: number[] = [];
    const coldPrinted: number[] = [];
    const coldLoaded: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const start = wallNow();
      const coldUi = await startUi(bench);
      started.push(coldUi);
      coldPrinted.push(wallNow() - start);
      const context = await b.newContext({ viewport: VIEWPORT });
      await context.addInitScript(PAGE_PROBE);
      const page = await context.newPage();
      await page.goto(coldUi.url);
      await listShown(page);
      const { offset } = await clockOffset(page);
      const page0 = await page.evaluate<{ origin: number; load: number; shown: number }>(
        `({ origin: performance.timeOrigin, load: performance.getEntriesByType("navigation")[0].loadEventStart, shown: window.__benchShown })`,
      );
      cold.push(page0.origin + page0.shown - offset - start);
      coldLoaded.push(page0.origin + page0.load - offset - start);
      await context.close();
      await coldUi.stop();
    }

    // fleet ui with no agents at all.
    const emptyUi = await startUi(empty);
    started.push(emptyUi);
    await sleep(3000);
    const emptyRss = await rssOver(emptyUi.child.pid ?? 0);
    await emptyUi.stop();

    return {
      listJson,
      listJsonBytes: Buffer.byteLength(listed),
      rounds,
      roundsSlow,
      loads,
      fleetTransfers: fleetBytes.transfers ?? [],
      floorTransfers: floorBytes.transfers ?? [],
      eventBytes,
      eventGzip,
      cold: stats(cold),
      coldPrinted: stats(coldPrinted),
      coldLoaded: stats(coldLoaded),
      memory: { idle, pages, closed, hwm, empty: emptyRss, floor: floorRss, idleCpu },
      offset: fast.offset,
      fast: {
        markOn: markFigures.on,
        markOff: markFigures.off,
        kill: killFigures.on,
        restart: killFigures.off,
        stop: stopFigures.on,
        start: stopFigures.off,
      },
      slow: { markOn: slowFigures.on, markOff: slowFigures.off },
      loadDuring,
    };
  } finally {
    clearInterval(sampler);
    for (const s of started) await s.stop().catch(() => undefined);
    await browser?.close();
    for (const env of [bench, empty]) {
      await execFileAsync(nodeBin, [fleetBin, "bus", "stop"], { env: env.env }).catch(
        () => undefined,
      );
      env.cleanup();
    }
  }
}

// ------------------------------------------------------------- reporting

const startedAt = performance.now();
const loadBefore = loadavg()[0] ?? NaN;
const f = await measure();
const loadAfter = loadavg()[0] ?? NaN;
const elapsedS = (performance.now() - startedAt) / 1000;

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
const floorFast = (rounds: Stats, intervalMs: number) => intervalMs / 2 + rounds.median;
const latencyLines = (label: string, l: LatencyFigures, fromReturn = false) => [
  `${label}: page ${spread(l.page)}`,
  `    event stream ${spread(l.feed)}${fromReturn ? `; page after the command returned ${spread(l.afterReturn)}` : ""}`,
];
const loads = f.loadDuring.filter(Number.isFinite);

const lines = [
  `fleet ui, ${AGENTS} local command agents; ${machine()}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} (sampled every 5 s: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`,
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
  `--refresh 1s (floor ½ interval + a round = ${ms(floorFast(f.rounds, 1000))}):`,
  ...latencyLines("  waiting mark written → WAITING", f.fast.markOn),
  ...latencyLines("  waiting mark removed → RUNNING", f.fast.markOff),
  ...latencyLines("  tmux kill-session → MISSING", f.fast.kill, true),
  ...latencyLines("  fleet start (MISSING) → RUNNING", f.fast.restart, true),
  ...latencyLines("  fleet stop → STOPPED", f.fast.stop, true),
  ...latencyLines("  fleet start (STOPPED) → RUNNING", f.fast.start, true),
  `--refresh 3s (floor ${ms(floorFast(f.roundsSlow, 3000))}), ${SLOW_CHANGES} changes each:`,
  ...latencyLines("  waiting mark written → WAITING", f.slow.markOn),
  ...latencyLines("  waiting mark removed → RUNNING", f.slow.markOff),
  "",
  `took ${elapsedS.toFixed(0)} s`,
];
process.stderr.write(lines.join("\n") + "\n");

const floorTiming = (rounds: Stats, intervalMs: number): Timing => ({
  medianMs: floorFast(rounds, intervalMs),
  p90Ms: intervalMs / 2 + rounds.p90,
  runs: rounds.n,
});
writeResult({
  name: `fleet ui, ${AGENTS} local agents: first load of the printed link until the list is shown`,
  measured: timing(f.loads.shown),
  floor: timing(f.loads.floor),
  floorDescription:
    "chromium loading the same files (gzipped, same headers, the same 303) from a bare node:http server, until load",
  budget: "—",
  pass: true,
});
writeResult({
  name: `fleet ui, ${AGENTS} local agents: started, its link opened at once, until the list is shown`,
  measured: timing(f.cold),
  floor: f.listJson,
  floorDescription: "fleet list --format json, same agents",
  budget: "—",
  pass: true,
});
for (const [label, figures, rounds, intervalMs] of [
  [
    "waiting mark written until the page shows WAITING, --refresh 1s",
    f.fast.markOn,
    f.rounds,
    1000,
  ],
  ["tmux session killed until the page shows MISSING, --refresh 1s", f.fast.kill, f.rounds, 1000],
  ["fleet stop returned until the page shows STOPPED, --refresh 1s", f.fast.stop, f.rounds, 1000],
  [
    "waiting mark written until the page shows WAITING, --refresh 3s",
    f.slow.markOn,
    f.roundsSlow,
    3000,
  ],
] as const) {
  writeResult({
    name: `fleet ui, ${AGENTS} local agents: ${label}`,
    measured: timing(label.startsWith("fleet stop") ? figures.afterReturn : figures.page),
    floor: floorTiming(rounds, intervalMs),
    floorDescription: "half the refresh interval + one discovery round (readLive, in process)",
    budget: "—",
    pass: true,
  });
}
