/**
 * Turns benchmark JSON lines into bench/RESULTS.md:
 *
 *   node bench/report.ts RESULTS.jsonl [--keep OLD-RESULTS.md]
 *
 * With `--keep`, the rows of OLD-RESULTS.md's table that this run did not measure
 * stay, with the date they were measured on (`npm run bench -- NAME` runs only
 * some benchmarks and keeps the others' figures); a row this run measured again
 * is replaced in place, and new rows come after the kept ones. A result whose
 * budget is "—" (a figure asked for, with no budget) shows no pass or fail.
 */
import { existsSync, readFileSync } from "node:fs";
import { type BenchResult, machine, ratio } from "./lib.ts";

const args = process.argv.slice(2);
const keepAt = args.indexOf("--keep");
const keepFile = keepAt >= 0 ? args[keepAt + 1] : undefined;
if (keepAt >= 0) args.splice(keepAt, 2);

const lines = readFileSync(args[0] ?? "bench/results/latest.jsonl", "utf8")
  .trim()
  .split("\n");
const results = lines.filter(Boolean).map((l) => JSON.parse(l) as BenchResult);
const today = new Date().toISOString().slice(0, 10);
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** A table row: the operation, its other cells (as printed), and when it was measured. */
interface Row {
  name: string;
  cells: string[];
  date: string;
}

const measuredRows: Row[] = results.map((r) => {
  const x = ratio(r);
  return {
    name: r.name,
    date: today,
    cells: [
      `${ms(r.measured.medianMs)} (p90 ${ms(r.measured.p90Ms)})`,
      r.floor ? `${ms(r.floor.medianMs)} — ${r.floorDescription ?? ""}` : "—",
      x === undefined ? "—" : `${x.toFixed(2)}×`,
      r.budget,
      r.budget === "—" ? "—" : r.pass ? "pass" : "**over budget**",
    ],
  };
});

/** The rows of an earlier RESULTS.md (its date for rows that carry none). */
function keptRows(path: string): Row[] {
  const text = readFileSync(path, "utf8");
  const fileDate = /\bon (\d{4}-\d{2}-\d{2})\b/.exec(text)?.[1] ?? "unknown";
  // Only the table at the top: the hand-written sections after it have tables too.
  const sections = text.search(/^## /m);
  const table = (sections < 0 ? text : text.slice(0, sections))
    .split("\n")
    .filter((line) => line.startsWith("|"));
  const header = splitRow(table[0] ?? "");
  const dateColumn = header.indexOf("measured");
  return table.slice(2).map((line) => {
    const cells = splitRow(line);
    const date = dateColumn >= 0 ? (cells[dateColumn] ?? fileDate) : fileDate;
    const rest = cells.filter((_, i) => i !== 0 && i !== dateColumn);
    return { name: cells[0] ?? "", cells: rest, date };
  });
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());
}

const byName = new Map(measuredRows.map((row) => [row.name, row]));
const rows: Row[] = [];
if (keepFile !== undefined && existsSync(keepFile)) {
  for (const old of keptRows(keepFile)) {
    rows.push(byName.get(old.name) ?? old);
    byName.delete(old.name);
  }
}
rows.push(...byName.values());
const dates = [...new Set(rows.map((row) => row.date))].sort();
const when =
  dates.length <= 1
    ? `on ${dates[0] ?? today}`
    : `on ${dates.join(", ")} (each row says when: a run of some benchmarks keeps the others' rows)`;

/**
 * Sections written by hand after the table (a benchmark's own notes and figures that
 * fit no table row) are kept from the current file: everything from its first `## `.
 */
function keptSections(file: string): string {
  if (!existsSync(file)) return "";
  const text = readFileSync(file, "utf8");
  const at = text.search(/^## /m);
  return at < 0 ? "" : `\n${text.slice(at).trimEnd()}\n`;
}

process.stdout.write(`# Benchmark results

Measured by \`npm run bench\` (bench/run-all.sh) ${when}, ${machine()}.
Each figure is the median of repeated runs of the real CLI (after warm-up runs); each
floor is measured in the same run on the same machine, so ratios stay meaningful on
shared, noisy machines. Re-run to refresh the table; do not edit it by hand (the sections
after it are kept as they are).

| operation | fleet (median) | floor (median) | ratio | budget | result | measured |
| --- | --- | --- | --- | --- | --- | --- |
${rows.map((row) => `| ${[row.name, ...row.cells, row.date].join(" | ")} |`).join("\n")}
${keptSections("bench/RESULTS.md")}`);
