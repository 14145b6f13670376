/**
 * An agent's page in `fleet ui`, in a real browser: its live terminal shows what
 * the agent printed, keys typed while read-only go nowhere, and after "Take
 * control" `echo hi` runs in the agent while another tab sees who has control.
 * When the agent then signals that it waits (writing its waiting mark, as the
 * agents' hooks do), the fleet file's webhook is called once and the page says so.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserSkipReason, launchBrowser, type TestBrowser } from "../../helpers/browser.ts";
import { type RunningUi, startFleetUi } from "../../helpers/fleet-ui.ts";
import { makeSandbox, repoRoot, type Sandbox, waitFor } from "../../helpers/sandbox.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";

const skip = browserSkipReason();
if (skip !== undefined) console.log(`# SKIPPED fleet ui terminal browser tests: ${skip}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fleet ui: an agent's terminal and its notifications", { skip: skip ?? false }, () => {
  let sb: Sandbox;
  let ui: RunningUi;
  let browser: TestBrowser;
  let hooks: WebhookReceiver;
  let page: Page;

  const transcript = async (): Promise<string> => (await sb.fleet(["transcript", "term"])).stdout;
  const screen = (p: Page) => p.locator(".terminal .xterm-rows").innerText();

  before(async () => {
    sb = await makeSandbox("ui-terminal");
    hooks = await startWebhookReceiver();
    await writeFile(
      join(sb.dir, "fleet.yaml"),
      [
        "version: 1",
        "name: termteam",
        "agents:",
        "  term:",
        "    command: sh",
        "    notify:",
        "      on: [waiting]",
        `      webhooks: [{ url: "${hooks.base}/hook", format: slack }]`,
        "",
      ].join("\n"),
    );
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    const printed = await sb.fleet(["message", "term", "echo printed-$((2+3))"]);
    assert.equal(printed.code, 0, printed.stderr);
    ui = await startFleetUi(sb);
    browser = await launchBrowser();
    page = await browser.browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(ui.url);
    await page.click('tr[data-agent="local/term"] a');
  });

  after(async () => {
    await browser?.close();
    await ui?.stop();
    await hooks?.close();
    await sb?.cleanup();
  });

  test("the terminal shows what the agent printed", async () => {
    await waitFor(async () => /printed-5/.test(await screen(page)), 10_000);
    assert.match(await page.locator(".control-state").innerText(), /Read-only/);
  });

  test("keys typed while read-only go nowhere", async () => {
    await page.click(".terminal");
    await page.keyboard.type("echo typed-while-watching-$((1+1))");
    await page.keyboard.press("Enter");
    await sleep(1500);
    assert.doesNotMatch(await transcript(), /typed-while-watching/);
    assert.doesNotMatch(await screen(page), /typed-while-watching/);
  });

  test("after Take control, echo hi runs in the agent, and another tab sees who has control", async () => {
    const other = await browser.browser.newPage();
    await other.goto(ui.url);
    await other.click('tr[data-agent="local/term"] a');
    await other.locator(".control-state", { hasText: "2 watching" }).waitFor();
    await page.click("#take-control");
    await page.locator(".control-state", { hasText: "You have control" }).waitFor();
    await other.locator(".control-state", { hasText: "owner has control" }).waitFor();
    assert.equal(await other.locator("#take-control").isVisible(), true);
    await page.click(".terminal");
    await page.keyboard.type("echo hi");
    await page.keyboard.press("Enter");
    const text = await waitFor(async () => {
      const now = await transcript();
      return /^hi$/m.test(now) ? now : undefined;
    });
    assert.match(text, /^hi$/m, "the shell printed hi on its own line");
    await waitFor(async () => /^hi\s*$/m.test(await screen(other)), 5000);
    await other.close();
  });

  test("an agent going WAITING calls the fleet file's webhook once and tells the page", async () => {
    await mkdir(join(repoRoot, "docs", "images"), { recursive: true });
    await page.keyboard.type(`printf 'approval\\n' > "$FLEET_AGENT_DIR/waiting"`);
    await page.keyboard.press("Enter");
    await page.locator('section.agent[data-state="WAITING"]').waitFor({ timeout: 5000 });
    await page.locator(".toast.waiting").waitFor({ timeout: 5000 });
    const calls = await waitFor(() =>
      Promise.resolve(hooks.to("/hook").length > 0 ? hooks.to("/hook") : undefined),
    );
    const body = JSON.parse(calls[0]?.body ?? "{}") as { text?: string };
    assert.match(String(body.text), /term is waiting for approval/);
    await page.screenshot({ path: join(repoRoot, "docs", "images", "ui-agent-desktop.png") });
    await sleep(3000);
    assert.equal(hooks.to("/hook").length, 1, "one call for one event");
  });

  test("approve on an agent type fleet cannot answer says so and types nothing", async () => {
    await page.click("#approve");
    const error = await page.locator("#action-error").innerText();
    assert.match(error, /cannot answer command's approvals/);
  });
});
