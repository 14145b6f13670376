/**
 * A real browser for the dashboard's tests: Debian's chromium, headless, driven
 * by playwright-core (never a browser Playwright downloads). Background
 * networking is off, so the browser talks to nothing but the page under test.
 * Playwright gives each launch a new empty profile and removes it on close.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

export const CHROMIUM = process.env.FLEET_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) {
    return `no chromium at ${CHROMIUM} (apt-get install chromium; scripts/setup-test-env.sh does it as root)`;
  }
  return undefined;
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
