/** The run's rows for bench/RESULTS.md's table (bench/run-all.sh reads them on stdout). */
import { writeResult } from "../lib.ts";
import { latencyFloor } from "./latency-floor.ts";
import type { Figures } from "./measure.ts";
import { AGENTS } from "./settings.ts";
import { timing } from "./stats.ts";

export function writeResultRows(f: Figures): void {
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
      floor: latencyFloor(rounds, intervalMs),
      floorDescription: "half the refresh interval + one discovery round (readLive, in process)",
      budget: "—",
      pass: true,
    });
  }
}
