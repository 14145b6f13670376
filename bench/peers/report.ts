/** The peers bench's rows: JSON for bench/RESULTS.md's table, and a summary on stderr. */
import type { BenchResult } from "../lib.ts";
import { type Pair, type Spread, spread } from "./pairs.ts";

export interface Row {
  /** The operation, without the tool: "list, 10 local agents of each". */
  op: string;
  pair: Pair;
}

/** What mngr ran for each operation (the floor column's description). */
const peerCommand: [RegExp, string][] = [
  [/^create/, "create NAME --type command --transfer none --no-connect -- sleep 3600"],
  [/^list/, "list"],
  [/^message/, "message NAME -m TEXT"],
  [/^exec/, "exec NAME true"],
  [/^destroy/, "destroy NAME -f"],
];

/** DESIGN.md's budget: fleet create and list ≥ 10× faster than mngr's, same agent. */
const budgeted = (op: string) => /^(create|list)/.test(op);

const ms = (n: number) => n.toFixed(1);
const range = (s: Spread) => `${ms(s.minMs)}–${ms(s.maxMs)}`;

export function rowResult(row: Row, peerVersion: string): BenchResult {
  const fleet = spread(row.pair.fleet);
  const mngr = spread(row.pair.mngr);
  const r = fleet.medianMs / mngr.medianMs;
  const what = peerCommand.find(([re]) => re.test(row.op))?.[1] ?? row.op;
  const version = peerVersion.replace(/^mngr,?\s*(version\s*)?/i, "");
  return {
    name: `fleet vs mngr: ${row.op}`,
    measured: fleet,
    floor: mngr,
    floorDescription: `mngr ${version} ${what}`,
    budget: budgeted(row.op) ? "≥ 10× faster than mngr (≤ 0.1×)" : "—",
    pass: budgeted(row.op) ? r <= 0.1 : true,
    notes: `fleet ${range(fleet)} ms, mngr ${range(mngr)} ms (min–max of ${fleet.runs} each)`,
  };
}

export function printSummary(rows: Row[], fleet: string, peer: string, load: string): void {
  const lines = rows.map((row) => {
    const f = spread(row.pair.fleet);
    const m = spread(row.pair.mngr);
    const cell = (s: Spread) => `${ms(s.medianMs)} [${range(s)}] p90 ${ms(s.p90Ms)}`;
    const ratio = (f.medianMs / m.medianMs).toFixed(3);
    const speedup = (m.medianMs / f.medianMs).toFixed(1);
    return `${row.op.padEnd(52)} n=${f.runs}  fleet ${cell(f)}  mngr ${cell(m)}  ratio ${ratio} (${speedup}× faster)`;
  });
  process.stderr.write(
    `\npeers: fleet ${fleet} vs ${peer}, ms: median [min–max] p90; load at end ${load}\n` +
      lines.join("\n") +
      "\n",
  );
}
