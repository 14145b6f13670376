/// <reference lib="dom" />
/**
 * The page side of the terminal bridge in a real browser (Debian's chromium
 * through playwright-core): terminal-view.ts bundled with esbuild, served with
 * a WebSocket endpoint that goes to the hub, against a real local agent.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { build, stop } from "esbuild";
import { chromium, type Browser, type Page as BrowserPage } from "playwright-core";
import { WebSocketServer } from "ws";
import {
  createTerminalHub,
  type TerminalHub,
} from "../../../src/ui/server/terminal/terminal-hub.ts";
import { makeSandbox, repoRoot, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { childProcesses, useSandboxEnvironment } from "./terminal-page.ts";

const CHROMIUM = process.env.FLEET_CHROMIUM ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: apt-get install chromium`;
if (skip !== false) console.log(`# terminal view browser tests skipped: ${skip}`);

interface PageEvents {
  control: { holder: { id: string } | null; watchers: number; holding: boolean }[];
  ended: string[];
  errors: string[];
}

declare global {
  interface Window {
    events: PageEvents;
    view: { take(): void; release(): void; dispose(): void };
  }
}

async function pageBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import { mountTerminal } from ${JSON.stringify(join(repoRoot, "src/ui/web/terminal-view.ts"))};
const events = { control: [], ended: [], errors: [] };
window.events = events;
window.view = mountTerminal(document.getElementById("term"), "ws://" + location.host + "/terminal", {
  onControl: (state) => events.control.push(state),
  onEnded: (reason) => events.ended.push(reason),
  onError: (message) => events.errors.push(message),
});`,
      resolveDir: repoRoot,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    write: false,
  });
  // esbuild's service process would otherwise live on as a child of this one.
  await stop();
  return result.outputFiles[0]?.text ?? "";
}

describe("terminal view in a browser", { skip, timeout: 180_000 }, () => {
  let sb: Sandbox;
  let hub: TerminalHub;
  let server: Server;
  let browser: Browser;
  let page: BrowserPage;
  const target = (): string => `=${sb.prefix}shell:agent`;
  const tmux = async (...args: string[]): Promise<string> => (await sb.tmux(args)).stdout;
  const rendered = (): Promise<string> => page.locator(".xterm-rows").innerText();

  before(async () => {
    sb = await makeSandbox("ui-terminal-view");
    hub = createTerminalHub(useSandboxEnvironment(sb));
    const made = await sb.fleet([
      "create",
      "shell",
      "--no-connect",
      "--command",
      "printf 'ready-%s\\n' marker; exec sh",
    ]);
    assert.equal(made.code, 0, made.stderr);
    const script = await pageBundle();
    const css = await readFile(join(repoRoot, "node_modules/@xterm/xterm/css/xterm.css"), "utf8");
    const html = `<!doctype html><html><head><style>${css}</style></head>
<body style="margin:0"><div id="term" style="width:640px;height:360px"></div>
<script src="/view.js"></script></body></html>`;
    server = createServer((request, response) => {
      const js = request.url === "/view.js";
      response.writeHead(200, { "content-type": js ? "text/javascript" : "text/html" });
      response.end(js ? script : html);
    });
    const sockets = new WebSocketServer({ server, path: "/terminal" });
    sockets.on("connection", (socket) => {
      hub.connect(socket, { ref: "shell", viewer: { id: "me", name: "Me" }, mayControl: true });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
  });
  after(async () => {
    await browser?.close();
    await hub?.close();
    server?.close();
    await sb?.cleanup();
  });

  test("the page shows the agent's screen at the pane's size, and keys do nothing while read-only", async () => {
    await waitFor(async () => (await rendered()).includes("ready-marker"));
    // One row element per pane row: the pane is 200x50, far more than the element holds.
    const rows = await page.evaluate(
      () => document.querySelector(".xterm-rows")?.childElementCount ?? 0,
    );
    assert.equal(rows, 50);
    await page.locator("#term").click();
    await page.keyboard.type("echo read-only-keys");
    await page.keyboard.press("Enter");
    await waitFor(() => page.evaluate(() => window.events.errors.length > 0));
    assert.doesNotMatch(await tmux("capture-pane", "-p", "-t", target()), /read-only-keys/);
  });

  test("after take the terminal fits the element, and typing runs in the agent", async () => {
    await page.evaluate(() => window.view.take());
    await waitFor(() => page.evaluate(() => window.events.control.some((c) => c.holding)));
    // 640x360 px holds far fewer than the pane's 200x50 cells.
    const size = await waitFor(async () => {
      const now = (
        await tmux("display-message", "-p", "-t", target(), "#{pane_width} #{pane_height}")
      )
        .trim()
        .split(" ")
        .map(Number);
      return now[0] !== undefined && now[0] < 120 ? now : undefined;
    });
    assert.ok((size[1] ?? 0) < 40, `rows: ${size.join("x")}`);
    await page.locator("#term").click();
    await page.keyboard.type("echo typed-$((6*7))");
    await page.keyboard.press("Enter");
    await waitFor(async () =>
      (await tmux("capture-pane", "-p", "-t", target())).includes("typed-42"),
    );
    await waitFor(async () => (await rendered()).includes("typed-42"));
  });

  test("disposing the view leaves no control client and no process behind", async () => {
    await page.evaluate(() => window.view.dispose());
    let left: string[] = [];
    await waitFor(async () => {
      const clients = (await tmux("list-clients", "-F", "#{client_name}")).trim();
      left = [clients, ...childProcesses().filter((p) => !/chrom/i.test(p))].filter(Boolean);
      return left.length === 0;
    }).catch((error: unknown) => {
      throw new Error(`still there: ${left.join(", ")}`, { cause: error });
    });
  });
});
