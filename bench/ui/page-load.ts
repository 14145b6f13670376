/** One first load of a link in a fresh browser context: its timings, and what crossed the wire. */
import type { Browser, CDPSession } from "playwright-core";
import { listShown, PAGE_PROBE } from "./page-probe.ts";
import { VIEWPORT } from "./settings.ts";

export interface Load {
  /** ms from the navigation's start. */
  load: number;
  shown?: number;
  /** When the page opened its event stream, and when the first list arrived. */
  opened?: number;
  event?: number;
}

export interface Transfer {
  url: string;
  /** Bytes on the wire, headers included. */
  wire: number;
  /** The decoded body. */
  body: number;
  /** Still open when counted (the event stream): its wire bytes are its headers + its body. */
  open: boolean;
}

/** One load in a fresh context (no cookie, no cache); with `cdp`, what crossed the wire. */
export async function loadOnce(
  browser: Browser,
  url: string,
  list: boolean,
  cdp = false,
): Promise<Load & { transfers?: Transfer[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addInitScript(PAGE_PROBE);
    const page = await context.newPage();
    const transfers = cdp ? await watchNetwork(await context.newCDPSession(page)) : undefined;
    await page.goto(url, { waitUntil: "load" });
    if (list) await listShown(page);
    const figures = await page.evaluate<Load>(
      `({ load: performance.getEntriesByType("navigation")[0].loadEventStart, shown: window.__benchShown, opened: window.__benchOpened, event: window.__benchEvent })`,
    );
    return transfers === undefined ? figures : { ...figures, transfers: transfers.done() };
  } finally {
    await context.close();
  }
}

/**
 * Sums Network events per request: bytes on the wire (headers too) and decoded
 * bodies. Chromium gives a response's encoded length only when it finishes; for
 * the event stream, still open, the wire bytes are its headers and its body as
 * received (it is sent without Content-Encoding: checked), chunk framing left out.
 */
async function watchNetwork(cdp: CDPSession): Promise<{ done(): Transfer[] }> {
  interface Counted {
    url: string;
    headers: number;
    body: number;
    encoded?: number;
    encoding: string;
  }
  const byId = new Map<string, Counted>();
  const of = (id: string): Counted => {
    let t = byId.get(id);
    if (t === undefined) byId.set(id, (t = { url: "", headers: 0, body: 0, encoding: "" }));
    return t;
  };
  cdp.on("Network.requestWillBeSent", (e) => (of(e.requestId).url = e.request.url));
  cdp.on("Network.responseReceived", (e) => {
    const t = of(e.requestId);
    t.headers = e.response.encodedDataLength;
    const headers = Object.entries(e.response.headers);
    t.encoding = headers.find(([k]) => k.toLowerCase() === "content-encoding")?.[1] ?? "";
  });
  cdp.on("Network.dataReceived", (e) => (of(e.requestId).body += e.dataLength));
  cdp.on("Network.loadingFinished", (e) => (of(e.requestId).encoded = e.encodedDataLength));
  await cdp.send("Network.enable");
  return {
    done: () =>
      [...byId.values()].map((t) => {
        if (t.encoded !== undefined) {
          return { url: t.url, wire: t.encoded, body: t.body, open: false };
        }
        if (t.encoding !== "") throw new Error(`${t.url}: an open ${t.encoding} stream`);
        return { url: t.url, wire: t.headers + t.body, body: t.body, open: true };
      }),
  };
}
