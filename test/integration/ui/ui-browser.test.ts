/**
 * `fleet ui` in a real browser (Debian's chromium, headless, driven by
 * playwright-core), as docs/ui.md tells a user to run it: `fleet ui` next to a
 * fleet file, the printed link opened. The page refuses without the token;
 * shows the agents the file made and follows the CLI's changes live; sends a
 * message that reaches a command agent; shows the file's plan, applies it, and
 * refuses a stale one. Screenshots at desktop and phone sizes go to docs/images.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserSkipReason, launchBrowser, type TestBrowser } from "../../helpers/browser.ts";
import { type RunningUi, startFleetUi } from "../../helpers/fleet-ui.ts";
import { makeSandbox, repoRoot, type Sandbox, waitFor } from "../../helpers/sandbox.ts";

const skip = browserSkipReason();
if (skip !== undefined) console.log(`# SKIPPED fleet ui browser tests: ${skip}`);

const SCREENSHOTS = join(repoRoot, "docs", "images");

const fleetFile = (agents: Record<string, string>): string =>
  [
    "version: 1",
    "name: uiteam",
    "agents:",
    ...Object.entries(agents).map(([name, extra]) => `  ${name}: { command: "sh", ${extra} }`),
    "",
  ].join("\n");

/** A GET with headers fetch() will not send (Host). */
const rawGet = (port: number, path: string, headers: Record<string, string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });

/** The agents the file starts with; later tests add to them. */
const FIRST_AGENTS = {
  web: 'labels: { team: web }, services: [{ name: dev, command: "sleep 600", port: auto }]',
  docs: "labels: { team: docs }",
};

const row = (page: Page, name: string) => page.locator(`tr[data-agent="local/${name}"]`);

describe("fleet ui in a browser", { skip: skip ?? false }, () => {
  let sb: Sandbox;
  let ui: RunningUi;
  let browser: TestBrowser;
  let file: string;

  before(async () => {
    sb = await makeSandbox("ui-browser");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(file, fleetFile(FIRST_AGENTS));
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    ui = await startFleetUi(sb);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await ui?.stop();
    await sb?.cleanup();
  });

  test("fleet ui prints one line: the link with its token, bound to 127.0.0.1", () => {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    assert.equal(ui.stderr(), "");
  });

  test("without the token, the page, its files and its API refuse", async () => {
    for (const path of ["/", "/index.html", "/assets/app.js", "/api/agents", "/api/events"]) {
      const response = await fetch(ui.base + path);
      assert.equal(response.status, 401, path);
      await response.body?.cancel();
    }
    const wrong = await fetch(`${ui.base}/?token=${"x".repeat(43)}`, { redirect: "manual" });
    assert.equal(wrong.status, 401);
    const forged = await fetch(`${ui.base}/api/agents`, { headers: { cookie: "fleet_ui=nope" } });
    assert.equal(forged.status, 401);
    const rebound = await rawGet(ui.port, "/api/agents", {
      authorization: `Bearer ${ui.token}`,
      host: `rebound.example:${ui.port}`,
    });
    assert.equal(rebound, 403, "a DNS-rebound Host is refused, even with the token");
    const own = await rawGet(ui.port, "/api/agents", { authorization: `Bearer ${ui.token}` });
    assert.equal(own, 200);
    const page = await browser.browser.newPage();
    await page.goto(ui.base + "/");
    assert.match(await page.content(), /needs its link/);
    await page.close();
  });

  test("with the token, the page lists the fleet file's agents with labels and service ports", async () => {
    const page = await browser.browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(ui.url);
    assert.equal(new URL(page.url()).search, "", "the token leaves the address bar");
    await row(page, "web").waitFor();
    await row(page, "docs").waitFor();
    const web = await row(page, "web").innerText();
    assert.match(web, /RUNNING/);
    assert.match(web, /team=web/);
    assert.match(web, /dev:\d+/);
    assert.match(web, /uiteam/);
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "ui-list-desktop.png") });
    await page.close();
  });

  test("an agent stopped and started from the CLI changes on the open page within 2 s, with no reload", async () => {
    const page = await browser.browser.newPage();
    await page.goto(ui.url);
    await row(page, "docs").waitFor();
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    for (const [command, state] of [
      ["stop", "STOPPED"],
      ["start", "RUNNING"],
    ] as const) {
      const done = await sb.fleet([command, "docs"]);
      assert.equal(done.code, 0, done.stderr);
      const changed = Date.now();
      await page
        .locator(`tr[data-agent="local/docs"][data-state="${state}"]`)
        .waitFor({ timeout: 2000 });
      assert.ok(Date.now() - changed <= 2000);
    }
    assert.equal(navigations, 0, "the page was not reloaded");
    await page.close();
  });

  test("the list filters by fleet, host, state and label", async () => {
    const page = await browser.browser.newPage();
    await page.goto(ui.url);
    await row(page, "web").waitFor();
    await page.fill('input[name="labels"]', "team=docs");
    await row(page, "web").waitFor({ state: "detached" });
    assert.equal(await row(page, "docs").count(), 1);
    await page.fill('input[name="labels"]', "");
    await page.selectOption('select[name="state"]', "STOPPED");
    await row(page, "docs").waitFor({ state: "detached" });
    await page.selectOption('select[name="state"]', "");
    await page.selectOption('select[name="host"]', "local");
    await page.selectOption('select[name="fleet"]', "uiteam");
    assert.equal(await page.locator("tr[data-agent]").count(), 2);
    await page.close();
  });

  test("a message sent from the page reaches the command agent and shows in its transcript", async () => {
    const page = await browser.browser.newPage();
    await page.goto(ui.url);
    await page.click('tr[data-agent="local/docs"] a');
    await page.fill('textarea[name="message"]', "echo from-the-page-$((6*7))");
    await page.click("#send-message");
    await page.getByText("Delivered").waitFor({ timeout: 30_000 });
    const transcript = await waitFor(async () => {
      const read = await sb.fleet(["transcript", "docs"]);
      return read.stdout.includes("from-the-page-42") ? read.stdout : undefined;
    });
    assert.match(transcript, /from-the-page-42/, "the shell ran it");
    await page.click("#show-transcript");
    await page.locator(".transcript-text", { hasText: "from-the-page-42" }).waitFor();
    await page.close();
  });

  test("the page shows a changed fleet file's plan as the CLI prints it, and applies that plan", async () => {
    await writeFile(
      file,
      fleetFile({
        ...FIRST_AGENTS,
        extra: "labels: { team: extra }",
      }),
    );
    const cliPlan = await sb.fleet(["plan", "--no-color"]);
    const page = await browser.browser.newPage();
    await page.goto(ui.url);
    await page.click('nav a[href="#/plan"]');
    await page.click("#make-plan");
    const shown = await page.locator(".plan-text").innerText();
    assert.match(shown, /\+ agents\.extra|agents\.extra/);
    const planLines = (text: string) =>
      text
        .split("\n")
        .filter((l) => /agents\.extra|Plan:/.test(l))
        .join("\n");
    assert.equal(planLines(shown), planLines(cliPlan.stdout), "the same words as fleet plan");
    await page.screenshot({ path: join(SCREENSHOTS, "ui-plan-desktop.png") });
    await page.click("#apply-plan");
    await page.locator(".apply-text", { hasText: "Apply complete" }).waitFor({ timeout: 30_000 });
    const listed = await sb.fleet(["list", "--format", "json"]);
    const names = (JSON.parse(listed.stdout) as { agents: { name: string }[] }).agents.map(
      (a) => a.name,
    );
    assert.ok(names.includes("extra"), names.join(","));
    await page.close();
  });

  test("a plan whose live state moved on is refused, and nothing changes", async () => {
    await writeFile(
      file,
      fleetFile({
        ...FIRST_AGENTS,
        extra: "labels: { team: extra }",
        late: "labels: { team: late }",
      }),
    );
    const page = await browser.browser.newPage();
    await page.goto(ui.url);
    await page.click('nav a[href="#/plan"]');
    await page.click("#make-plan");
    await page.locator(".plan-text", { hasText: "agents.late" }).waitFor();
    // Meanwhile someone removes an agent by hand: the plan shown no longer holds.
    const destroyed = await sb.fleet(["destroy", "extra", "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    await page.click("#apply-plan");
    const refusal = await page.locator(".error").innerText();
    assert.match(refusal, /PLAN_STALE/);
    const listed = await sb.fleet(["list", "--format", "json"]);
    const names = (JSON.parse(listed.stdout) as { agents: { name: string }[] }).agents.map(
      (a) => a.name,
    );
    assert.ok(!names.includes("late"), "the stale plan changed nothing");
    await page.close();
  });

  test("on a phone-sized screen the list is cards and an agent's page keeps its message box", async () => {
    const context = await browser.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(ui.url);
    await row(page, "web").waitFor();
    const head = await page.locator("table.agents thead").isVisible();
    assert.equal(head, false, "no table header on a phone");
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    await page.screenshot({ path: join(SCREENSHOTS, "ui-list-phone.png") });
    await page.click('tr[data-agent="local/docs"] a');
    await page.locator('textarea[name="message"]').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SCREENSHOTS, "ui-agent-phone.png") });
    await context.close();
  });
});
