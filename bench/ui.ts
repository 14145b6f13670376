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
import { loadavg } from "node:os";
import { measure } from "./ui/measure.ts";
import { tableLines } from "./ui/report-table.ts";
import { writeResultRows } from "./ui/result-rows.ts";

const startedAt = performance.now();
const loadBefore = loadavg()[0] ?? NaN;
const figures = await measure();
const loadAfter = loadavg()[0] ?? NaN;
const elapsedS = (performance.now() - startedAt) / 1000;

process.stderr.write(tableLines(figures, { loadBefore, loadAfter, elapsedS }).join("\n") + "\n");
writeResultRows(figures);
