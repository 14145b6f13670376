/**
 * fleet against its peer mngr (PyPI imbue-mngr 0.3.0), side by side: the same machine,
 * the same tmux server, the same agent (`sleep 3600`, no AI CLI), in the same run, each
 * pair timed alternately. `node bench/peers/run.ts` (or `npm run bench -- peers`):
 * JSON rows for bench/RESULTS.md on stdout, a summary on stderr.
 *
 * Installs mngr into a venv outside the repo (bench/peers/mngr.ts), then re-runs
 * itself in a loopback-only network namespace (bench/peers/netns.ts) to measure.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { benchEnv, fleetBin, nodeBin, writeResult } from "../lib.ts";
import { MNGR_VERSION, ensureMngr, mngrBin, mngrEnv, mngrVersion } from "./mngr.ts";
import { stopLeftovers } from "./leftovers.ts";
import { inLoopbackNetns, interfaces, reexecInLoopbackNetns } from "./netns.ts";
import { type Cmd, type Pair, timePair, timed } from "./pairs.ts";
import { type Row, printSummary, rowResult } from "./report.ts";

const RUNS = Number(process.env.FLEET_BENCH_PEERS_RUNS ?? 15);
const WARMUP = Number(process.env.FLEET_BENCH_PEERS_WARMUP ?? 3);
const MOST = Number(process.env.FLEET_BENCH_PEERS_MOST ?? 50); // a smaller one for a quick try
const AGENTS = [1, 10, MOST];
const DESTROY_RUNS = Math.min(20, MOST - 2);

if (!inLoopbackNetns()) {
  ensureMngr();
  process.exit(reexecInLoopbackNetns(import.meta.filename, process.argv.slice(2)));
}
if (interfaces().join(",") !== "lo") throw new Error(`not loopback-only: ${interfaces().join()}`);

const bench = benchEnv("peers");
const mprefix = `mb${process.pid.toString(36)}-`;
const menv = mngrEnv(bench.env, bench.dir, mprefix);
const work = join(bench.dir, "work");
mkdirSync(work);
const log = join(bench.dir, "last-command.log");
const fleetVersion = spawnSync(nodeBin, [fleetBin, "--version"], { encoding: "utf8" })
  .stdout.trim()
  .replace(/^fleet\s*/, "");
const peerVersion = mngrVersion(menv);
if (!peerVersion.includes(MNGR_VERSION)) throw new Error(`mngr --version said ${peerVersion}`);

const fleet = (...args: string[]): Cmd => ({
  command: nodeBin,
  args: [fleetBin, ...args],
  env: bench.env,
  cwd: work,
});
const mngr = (...args: string[]): Cmd => ({ command: mngrBin(), args, env: menv, cwd: work });
const name = (n: number) => `p${n}`;
const create = {
  fleet: (n: number) => fleet("create", name(n), "--command", "sleep 3600", "--no-connect"),
  // `command` is mngr's plain-command agent type; `--transfer none` runs it in place
  // (fleet's default too: no worktree, no copy), `--from :DIR` since DIR is no git repo.
  mngr: (n: number) =>
    mngr(
      ...["create", name(n), "--type", "command", "--no-connect", "--transfer", "none"],
      ...["--from", `:${work}`, "-y", "--", "sleep", "3600"],
    ),
};

/** Sessions each tool has in the shared tmux server: proves both listed the same count. */
function sessions(): { fleet: number; mngr: number } {
  const out = spawnSync("tmux", ["list-sessions", "-F", "#{session_name}"], {
    env: bench.env,
    encoding: "utf8",
  }).stdout;
  const names = out.split("\n").filter(Boolean);
  return {
    fleet: names.filter((s) => s.startsWith(bench.prefix)).length,
    mngr: names.filter((s) => s.startsWith(mprefix)).length,
  };
}

function expectAgents(n: number): void {
  const got = sessions();
  if (got.fleet !== n || got.mngr !== n) {
    throw new Error(`expected ${n} agents each, tmux has fleet ${got.fleet}, mngr ${got.mngr}`);
  }
}

let live = 0;
/** Creates agents live..to-1 of each tool in alternate pairs (all timed). */
function createUpTo(to: number, samples: Pair): void {
  const from = live;
  const pair = timePair(
    (i) => create.fleet(from + i),
    (i) => create.mngr(from + i),
    to - from,
    0,
    log,
  );
  samples.fleet.push(...pair.fleet);
  samples.mngr.push(...pair.mngr);
  live = to;
  expectAgents(live);
}

const rows: Row[] = [];
const load = () => loadavg()[0]?.toFixed(1) ?? "?";
process.stderr.write(
  `peers: fleet ${fleetVersion}, ${peerVersion}, netns [${interfaces().join()}], load ${load()}\n`,
);
try {
  // Warm-up: one agent of each (mngr writes its ~/.mngr on the first create).
  timed(create.fleet(0), log);
  timed(create.mngr(0), log);
  live = 1;
  const creates: Pair = { fleet: [], mngr: [] };
  for (const n of AGENTS) {
    if (n > live) createUpTo(n, creates);
    expectAgents(n);
    const list = timePair(
      () => fleet("list"),
      () => mngr("list"),
      RUNS,
      WARMUP,
      log,
    );
    rows.push({ op: `list, ${n} local agent${n > 1 ? "s" : ""} of each`, pair: list });
    process.stderr.write(`peers: list ${n} done, load ${load()}\n`);
    if (n === 1) {
      const text = "hello from the bench";
      const message = timePair(
        () => fleet("message", name(0), text),
        () => mngr("message", name(0), "-m", text),
        RUNS,
        WARMUP,
        log,
      );
      rows.push({ op: "message, one local command agent", pair: message });
      const exec = timePair(
        () => fleet("exec", name(0), "--", "true"),
        () => mngr("exec", name(0), "true"),
        RUNS,
        WARMUP,
        log,
      );
      rows.push({ op: "exec A true, one local command agent", pair: exec });
      process.stderr.write(`peers: message, exec done, load ${load()}\n`);
    }
  }
  rows.unshift({
    op: `create, one local command agent (1–${MOST - 1} of each there)`,
    pair: creates,
  });

  // destroy the newest agents one pair at a time (the first pair untimed), then the rest at once.
  const top = live - 1;
  const destroy = timePair(
    (i) => fleet("destroy", name(top - i - 1), "-y"),
    (i) => mngr("destroy", name(top - i - 1), "-f"),
    DESTROY_RUNS,
    1,
    log,
  );
  live -= DESTROY_RUNS + 1;
  expectAgents(live);
  rows.push({ op: `destroy, one local agent (${top}–${live + 1} of each there)`, pair: destroy });
  const rest = Array.from({ length: live }, (_, i) => name(i));
  timed(fleet("destroy", ...rest, "-y"), log);
  timed(mngr("destroy", ...rest, "-f"), log);
  live = 0;
  expectAgents(0);

  for (const row of rows) writeResult(rowResult(row, peerVersion));
  printSummary(rows, fleetVersion, peerVersion, load());
} finally {
  bench.cleanup();
  stopLeftovers(bench.dir);
}
