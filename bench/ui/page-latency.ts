/**
 * Latency from a change on the host to the page showing it, and to the event
 * stream having it, on the page's clock brought to this process's.
 */
import type { Browser, Page } from "playwright-core";
import { sleep, wallNow } from "./clock.ts";
import { FeedReader } from "./feed-reader.ts";
import type { Change } from "./host-changes.ts";
import { listShown, PAGE_PROBE } from "./page-probe.ts";
import { VIEWPORT } from "./settings.ts";
import { type Stats, stats } from "./stats.ts";
import type { Ui } from "./ui-process.ts";

/** The page's clock minus this process's, from the round trip with the least delay. */
export async function clockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity };
  for (let i = 0; i < 30; i++) {
    const before = wallNow();
    const there = await page.evaluate<number>("performance.timeOrigin + performance.now()");
    const after = wallNow();
    if (after - before < best.rtt) {
      best = { offset: there - (before + after) / 2, rtt: after - before };
    }
  }
  return best;
}

/** The wall time (this process's clock) when the page's row `id` took `state` after `since`. */
async function pageSaw(
  page: Page,
  offset: number,
  id: string,
  state: string,
  since: number,
): Promise<number> {
  // A function, not a string: the page's Content-Security-Policy forbids eval.
  const handle = await page.waitForFunction(
    ([id, state, after]) => {
      const log = (globalThis as unknown as { __benchLog: [string, string, number][] }).__benchLog;
      return log.find((e) => e[0] === id && e[1] === state && e[2] > after)?.[2] ?? false;
    },
    [id, state, since + offset] as const,
    { polling: 20, timeout: 30_000 },
  );
  return ((await handle.jsonValue()) as number) - offset;
}

export interface LatencyFigures {
  /** From the change's start to the page showing it. */
  page: Stats;
  /** From the command's return (a CLI command only). */
  afterReturn: Stats;
  /** From the change's start to the event stream having it. */
  feed: Stats;
}

async function measureChanges(
  intervalMs: number,
  page: Page,
  offset: number,
  reader: FeedReader,
  changes: Change[],
): Promise<LatencyFigures> {
  const pageMs: number[] = [];
  const returnMs: number[] = [];
  const feedMs: number[] = [];
  for (const change of changes) {
    await sleep(Math.random() * intervalMs);
    const start = wallNow();
    await change.make();
    const returned = wallNow();
    const id = `local/${change.agent}`;
    const [seen, fed] = await Promise.all([
      pageSaw(page, offset, id, change.state, start),
      reader.saw(id, change.state, start),
    ]);
    pageMs.push(seen - start);
    returnMs.push(seen - returned);
    feedMs.push(fed - start);
  }
  return { page: stats(pageMs), afterReturn: stats(returnMs), feed: stats(feedMs) };
}

/** Runs each `on` change, then its `off`, keeping the samples of each apart. */
export async function measurePairs(
  intervalMs: number,
  page: Page,
  offset: number,
  reader: FeedReader,
  on: Change[],
  off: Change[],
): Promise<{ on: LatencyFigures; off: LatencyFigures }> {
  const onSamples: LatencyFigures[] = [];
  const offSamples: LatencyFigures[] = [];
  for (let i = 0; i < on.length; i++) {
    onSamples.push(await measureChanges(intervalMs, page, offset, reader, [on[i]!]));
    offSamples.push(await measureChanges(intervalMs, page, offset, reader, [off[i]!]));
  }
  const merge = (all: LatencyFigures[]): LatencyFigures => ({
    page: stats(all.map((s) => s.page.median)),
    afterReturn: stats(all.map((s) => s.afterReturn.median)),
    feed: stats(all.map((s) => s.feed.median)),
  });
  return { on: merge(onSamples), off: merge(offSamples) };
}

/** A page open on the list, with its clock offset, and a bare reader of the event stream. */
export async function watchers(
  browser: Browser,
  ui: Ui,
): Promise<{
  page: Page;
  offset: { offset: number; rtt: number };
  reader: FeedReader;
  close(): Promise<void>;
}> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(PAGE_PROBE);
  const page = await context.newPage();
  await page.goto(ui.url);
  await listShown(page);
  const reader = new FeedReader(ui);
  await sleep(500);
  return {
    page,
    offset: await clockOffset(page),
    reader,
    close: async () => {
      reader.close();
      await context.close();
    },
  };
}
