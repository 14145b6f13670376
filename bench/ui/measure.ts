/**
 * The run: AGENTS agents applied, every figure of the table and the rows taken,
 * and whatever it started (fleet ui, the floor's server, chromium, the bus, tmux,
 * the directories) stopped and removed, failed or not.
 */
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { launchBrowser, type TestBrowser } from "../../test/helpers/browser.ts";
import { benchEnv, fleetBin, nodeBin, run, time, type Timing } from "../lib.ts";
import { sleep, wallNow } from "./clock.ts";
import { killChanges, markChanges, stopChanges } from "./host-changes.ts";
import { discoveryRounds } from "./latency-floor.ts";
import { clockOffset, measurePairs, watchers, type LatencyFigures } from "./page-latency.ts";
import { loadOnce, type Load, type Transfer } from "./page-load.ts";
import { listShown, PAGE_PROBE } from "./page-probe.ts";
import {
  AGENTS,
  CHANGES,
  COLD_STARTS,
  distUi,
  LOAD_WARMUP,
  LOADS,
  PAGES,
  ROUNDS,
  SLOW_CHANGES,
  VIEWPORT,
} from "./settings.ts";
import { startStatic } from "./static-floor.ts";
import { type Stats, stats } from "./stats.ts";
import { cpuMs, memory, rssOver, startUi, stopChild } from "./ui-process.ts";

const execFileAsync = promisify(execFile);

export interface Figures {
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

const agentNames = Array.from({ length: AGENTS }, (_, i) => `a${i}`);

export async function measure(): Promise<Figures> {
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
    const agents = agentNames.map((n) => `  ${n}: { agent: command, command: "sleep 3600" }`);
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
    const marks = markChanges(bench, agentNames.slice(0, CHANGES));
    const markFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      marks.on,
      marks.off,
    );
    const kills = killChanges(bench, agentNames.slice(CHANGES, 2 * CHANGES));
    const killFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      kills.on,
      kills.off,
    );
    const stops = stopChanges(bench, agentNames.slice(2 * CHANGES, 3 * CHANGES));
    const stopFigures = await measurePairs(
      1000,
      fast.page,
      fast.offset.offset,
      fast.reader,
      stops.on,
      stops.off,
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
    const slowMarks = markChanges(bench, agentNames.slice(3 * CHANGES, 3 * CHANGES + SLOW_CHANGES));
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
