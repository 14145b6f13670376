/**
 * `fleet share` links in a real browser: a link opens only its agent (watch-only
 * when made --read-only), its API reaches nothing else, and revoking or expiring
 * it cuts the page it opened.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { browserSkipReason, launchBrowser, type TestBrowser } from "../../helpers/browser.ts";
import { type RunningUi, startFleetUi } from "../../helpers/fleet-ui.ts";
import { makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";

const skip = browserSkipReason();
if (skip !== undefined) console.log(`# SKIPPED fleet share browser tests: ${skip}`);

interface ShareJson {
  id: string;
  url: string;
  name: string;
  host: string;
  readOnly: boolean;
  expiresAt: string;
  serving: boolean;
}

describe("fleet share links", { skip: skip ?? false }, () => {
  let sb: Sandbox;
  let ui: RunningUi;
  let browser: TestBrowser;

  before(async () => {
    sb = await makeSandbox("ui-share");
    await writeFile(
      join(sb.dir, "fleet.yaml"),
      'version: 1\nname: shareteam\nagents:\n  shown: { command: "sh" }\n  hidden: { command: "sh" }\n',
    );
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

  const share = async (args: string[]): Promise<ShareJson> => {
    const made = await sb.fleet(["share", ...args, "--format", "json"]);
    assert.equal(made.code, 0, made.stderr);
    return JSON.parse(made.stdout) as ShareJson;
  };

  /** The link opened in `context`; on failure, what the page showed instead. */
  const openShared = async (context: BrowserContext, link: ShareJson): Promise<Page> => {
    const page = await context.newPage();
    const logged: string[] = [];
    page.on("console", (m) => logged.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => logged.push(`pageerror: ${e.message}`));
    await page.goto(link.url);
    try {
      await page.locator(`section.agent[data-agent="local/${link.name}"]`).waitFor();
    } catch (error) {
      const body = await page
        .locator("body")
        .innerText()
        .catch(() => "(no body)");
      throw new Error(
        `the shared page never showed ${link.name}: at ${page.url()}\n${body}\n${logged.join("\n")}`,
        { cause: error },
      );
    }
    return page;
  };

  /** A teammate's browser: no owner cookie, only the link. */
  const teammate = async (): Promise<BrowserContext> => browser.browser.newContext();

  const status = async (context: BrowserContext, method: string, path: string) => {
    const response = await context.request.fetch(ui.base + path, {
      method,
      headers: { origin: ui.base },
    });
    return response.status();
  };

  test("fleet share prints a link to the running fleet ui; the store keeps no token", async () => {
    const link = await share(["shown", "--read-only"]);
    assert.ok(link.url.startsWith(`${ui.base}/s/`), link.url);
    assert.equal(link.serving, true);
    assert.equal(link.readOnly, true);
    const listed = await sb.fleet(["share", "--list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const token = link.url.split("/s/")[1] ?? "";
    assert.ok(!listed.stdout.includes(token), "the list shows no token");
    assert.match(listed.stdout, new RegExp(link.id));
  });

  test("a watch-only link opens only its agent: no control, no actions, nothing else reachable", async () => {
    const link = await share(["shown", "--read-only", "--expires", "10m"]);
    const context = await teammate();
    const page = await openShared(context, link);
    assert.equal(await page.locator("#take-control").count(), 0);
    assert.equal(await page.locator("#stop, #destroy, #send-message").count(), 0);
    assert.equal(await page.locator("nav").count(), 0, "no way to the list");
    const agents = await context.request.get(`${ui.base}/api/agents`);
    const names = ((await agents.json()) as { agents: { name: string }[] }).agents.map(
      (a) => a.name,
    );
    assert.deepEqual(names, ["shown"]);
    assert.equal(await status(context, "GET", "/api/agents/local/hidden/transcript"), 403);
    assert.equal(await status(context, "GET", "/api/agents/local/shown/transcript"), 200);
    assert.equal(await status(context, "POST", "/api/agents/local/shown/stop"), 403);
    assert.equal(await status(context, "POST", "/api/plan"), 403);
    const message = await context.request.post(`${ui.base}/api/agents/local/shown/message`, {
      data: { text: "echo nope" },
      headers: { origin: ui.base },
    });
    assert.equal(message.status(), 403, "a watch-only link cannot message");
    await context.close();
  });

  test("revoking a link cuts the page it opened and refuses it from then on", async () => {
    const link = await share(["shown", "--read-only"]);
    const context = await teammate();
    const page = await openShared(context, link);
    const revoked = await sb.fleet(["share", "--revoke", link.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await page.getByText("This link no longer works").waitFor({ timeout: 5000 });
    assert.equal(await status(context, "GET", "/api/agents"), 401);
    const again = await context.newPage();
    await again.goto(link.url);
    assert.match(await again.content(), /expired or was revoked/);
    await context.close();
  });

  test("a link stops working when it expires", async (t) => {
    // Long enough for the page to open first on a loaded machine:
    // what is tested is that a session the link opened is cut when it expires.
    const link = await share(["shown", "--expires", "5s"]);
    const context = await teammate();
    const page = await openShared(context, link);
    const shownBefore = Date.parse(link.expiresAt) - Date.now();
    t.diagnostic(`the agent's page was shown ${shownBefore} ms before the link expired`);
    assert.ok(shownBefore > 0, "the page opened before the link expired");
    await page.getByText("This link no longer works").waitFor({ timeout: shownBefore + 8000 });
    assert.equal(await status(context, "GET", "/api/agents"), 401);
    await context.close();
  });

  test("a link with control can message its agent", async () => {
    const link = await share(["shown"]);
    assert.equal(link.readOnly, false);
    const context = await teammate();
    const page = await context.newPage();
    await page.goto(link.url);
    await page.fill('textarea[name="message"]', "echo shared-$((20+3))");
    await page.click("#send-message");
    await page.getByText("Delivered").waitFor({ timeout: 30_000 });
    await waitFor(async () => {
      const read = await sb.fleet(["transcript", "shown"]);
      return read.stdout.includes("shared-23");
    });
    assert.equal(await status(context, "POST", "/api/agents/local/shown/destroy"), 403);
    await context.close();
  });

  test("bad share requests are refused and change nothing", async () => {
    const none = await sb.fleet(["share"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give an agent to share/);
    const unknown = await sb.fleet(["share", "nosuch"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no agent named "nosuch"/);
    const long = await sb.fleet(["share", "shown", "--expires", "90d"]);
    assert.equal(long.code, 2);
    const revoke = await sb.fleet(["share", "--revoke", "0000000000"]);
    assert.equal(revoke.code, 1);
    assert.match(revoke.stderr, /no share link has the id/);
  });

  test("a second fleet ui on the same FLEET_HOME is refused; links still go to the first", async () => {
    const second = await sb.fleet(["ui", "--port", "0"], { timeoutMs: 15_000 });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`fleet ui already runs for this FLEET_HOME, at ${ui.base}`),
    );
    assert.equal(second.stdout, "", "no link printed");
    const link = await share(["shown"]);
    assert.ok(link.url.startsWith(`${ui.base}/s/`), link.url);
  });
});
