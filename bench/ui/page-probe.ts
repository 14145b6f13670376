/**
 * What the benchmark installs in the page to time it from inside (the page's own
 * clock, not playwright's polling), and the wait for the list it records.
 */
import type { Page } from "playwright-core";
import { AGENTS } from "./settings.ts";

/**
 * Installed before the page's scripts: when the list first has AGENTS rows
 * (`__benchShown`, ms since the navigation started; also when the page opened
 * its event stream and when the first list arrived on it), and every row's
 * data-state change (`__benchLog`: id, state, wall-clock ms).
 */
export const PAGE_PROBE = `(() => {
  const log = [];
  const seen = new Map();
  window.__benchLog = log;
  // When the page opened its event stream, and when the first list arrived on it.
  const Source = window.EventSource;
  window.EventSource = class extends Source {
    constructor(...args) {
      super(...args);
      if (window.__benchOpened === undefined) window.__benchOpened = performance.now();
      super.addEventListener("agents", () => {
        if (window.__benchEvent === undefined) window.__benchEvent = performance.now();
      });
    }
  };
  const scan = () => {
    const rows = document.querySelectorAll("tr[data-agent]");
    const now = performance.now();
    if (window.__benchShown === undefined && rows.length >= ${AGENTS}) window.__benchShown = now;
    for (const row of rows) {
      const id = row.dataset.agent, state = row.dataset.state;
      if (seen.get(id) !== state) { seen.set(id, state); log.push([id, state, performance.timeOrigin + now]); }
    }
  };
  new MutationObserver(scan).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-state"] });
})();`;

/** Waits until the page has the list's AGENTS rows (timed in the page, not by this wait). */
export async function listShown(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (globalThis as { __benchShown?: number }).__benchShown !== undefined,
    undefined,
    { polling: 20, timeout: 30_000 },
  );
}
