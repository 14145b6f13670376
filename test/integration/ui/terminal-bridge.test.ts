/**
 * The dashboard's terminal bridge against real local agents: a real WebSocket
 * server and page client, the built CLI making the agents, tmux control mode
 * reading their panes.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import {
  childProcesses,
  startBridge,
  useSandboxEnvironment,
  type Bridge,
} from "./terminal-page.ts";

const SHELL = "printf 'ready-%s\\n' marker; exec sh";

describe("terminal bridge on local agents", { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let bridge: Bridge;
  const tmux = async (...args: string[]): Promise<string> => {
    const result = await sb.tmux(args);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  const target = (name: string): string => `=${sb.prefix}${name}:agent`;
  const screen = (name: string): Promise<string> =>
    tmux("capture-pane", "-p", "-J", "-t", target(name));
  const clients = async (): Promise<string> =>
    (await sb.tmux(["list-clients", "-F", "#{client_name} #{session_name}"])).stdout;
  const create = async (name: string, command = SHELL): Promise<void> => {
    const made = await sb.fleet(["create", name, "--no-connect", "--command", command]);
    assert.equal(made.code, 0, made.stdout + made.stderr);
    await waitFor(async () => (await screen(name)).includes("ready-marker"));
  };
  /** Every page closed: no control client stays on the tmux server, no process here. */
  const allGone = async (): Promise<void> => {
    await waitFor(async () => (await clients()).trim() === "" && childProcesses().length === 0);
  };

  before(async () => {
    sb = await makeSandbox("ui-terminal");
    bridge = await startBridge(useSandboxEnvironment(sb));
    await create("shell");
    await create("other");
  });
  // A failed test leaves no page open for the next one to count.
  afterEach(async () => {
    bridge.closePages();
    await allGone();
  });
  after(async () => {
    await bridge.close();
    await sb.cleanup();
  });

  test("a viewer gets the screen as it is, the pane's size and cursor, then its output", async () => {
    const page = await bridge.open("shell", "a");
    const shown = await page.next("screen");
    assert.match(shown.data, /ready-marker/);
    const [cols, rows, x, y] = (
      await tmux(
        "display-message",
        "-p",
        "-t",
        target("shell"),
        "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y}",
      )
    )
      .trim()
      .split(" ")
      .map(Number);
    assert.deepEqual([shown.cols, shown.rows, shown.cursor.x, shown.cursor.y], [cols, rows, x, y]);
    assert.equal(shown.data.split("\n").length, rows);
    const control = await page.next("control");
    assert.deepEqual(control, { type: "control", holder: null, watchers: 1, holding: false });
    // Output from the agent arrives as binary frames.
    await sb.tmux(["send-keys", "-t", target("shell"), "echo from-tmux-side", "Enter"]);
    await page.outputMatching(/\r\nfrom-tmux-side\r\n/);
    page.close();
    await allGone();
  });

  test("keys from a viewer not in control are refused and never reach the agent", async () => {
    const page = await bridge.open("shell", "b");
    await page.next("screen");
    page.send({ type: "input", data: "echo should-not-run\r" });
    const refused = await page.next("error");
    assert.equal(refused.code, "READ_ONLY");
    page.send({ type: "resize", cols: 50, rows: 10 });
    await page.next("error", (e) => e.message.includes("resizing"));
    await new Promise((r) => setTimeout(r, 500));
    assert.doesNotMatch(await screen("shell"), /should-not-run/);
    assert.doesNotMatch(page.output.toString(), /should-not-run/);
    page.close();
    await allGone();
  });

  test("after take, typed keys run in the agent; UTF-8 arrives whole; typing marks activity", async () => {
    const page = await bridge.open("shell", "c");
    await page.next("screen");
    page.send({ type: "take" });
    await page.next("control", (c) => c.holder?.id === "c");
    page.send({ type: "input", data: "echo hi\r" });
    await page.outputMatching(/\r\nhi\r\n/);
    await waitFor(async () => (await screen("shell")).split("\n").includes("hi"));
    page.send({ type: "input", data: "echo 'é€😀'\r" });
    await page.outputMatching(/\r\né€😀\r\n/);
    assert.ok(existsSync(join(sb.home, "agents", "shell", "activity", "terminal")));
    page.close();
    await allGone();
  });

  test("watching alone does not count as a user attached (idle shutdown still applies)", async () => {
    const page = await bridge.open("other", "w");
    await page.next("screen");
    assert.match(await clients(), new RegExp(`${sb.prefix}other`));
    const listed = await sb.fleet(["list", "--json"]);
    const doc = JSON.parse(listed.stdout) as { agents: { name: string; attached: boolean }[] };
    assert.equal(doc.agents.find((a) => a.name === "other")?.attached, false, listed.stdout);
    page.close();
    await allGone();
  });

  test("two viewers share one client and both see who holds control; a held take is refused", async () => {
    const first = await bridge.open("shell", "one");
    const second = await bridge.open("shell", "two");
    const watchOnly = await bridge.open("shell", "link", { mayControl: false });
    for (const page of [first, second, watchOnly]) await page.next("screen");
    await first.next("control", (c) => c.watchers === 3);
    assert.equal((await clients()).trim().split("\n").length, 1, "one control client for all");

    first.send({ type: "take" });
    for (const page of [first, second, watchOnly]) {
      const state = await page.next("control", (c) => c.holder?.id === "one" && c.watchers === 3);
      assert.equal(state.holding, page === first);
    }
    second.send({ type: "take" });
    assert.equal((await second.next("error")).code, "CONTROL_HELD");
    watchOnly.send({ type: "take" });
    assert.equal((await watchOnly.next("error")).code, "CONTROL_NOT_ALLOWED");

    // Both watchers see what the controller types.
    first.send({ type: "input", data: "echo shared-view\r" });
    await second.outputMatching(/\r\nshared-view\r\n/);
    await watchOnly.outputMatching(/\r\nshared-view\r\n/);

    first.close();
    await second.next("control", (c) => c.holder === null && c.watchers === 2);
    second.send({ type: "take" });
    await watchOnly.next("control", (c) => c.holder?.id === "two");
    second.send({ type: "release" });
    await watchOnly.next("control", (c) => c.holder === null && c.watchers === 2);
    second.close();
    watchOnly.close();
    await allGone();
  });

  test("the controller's resize changes the pane's size, and every viewer is told", async () => {
    const controller = await bridge.open("other", "big");
    const watcher = await bridge.open("other", "small");
    await controller.next("screen");
    await watcher.next("screen");
    controller.send({ type: "take" });
    await controller.next("control", (c) => c.holder?.id === "big");
    controller.send({ type: "resize", cols: 97, rows: 31 });
    await watcher.next("size", (s) => s.cols === 97 && s.rows === 31);
    assert.equal(
      (
        await tmux("display-message", "-p", "-t", target("other"), "#{pane_width}x#{pane_height}")
      ).trim(),
      "97x31",
    );
    const late = await bridge.open("other", "late");
    const shown = await late.next("screen");
    assert.deepEqual([shown.cols, shown.rows], [97, 31]);
    for (const page of [controller, watcher, late]) page.close();
    await allGone();
  });

  test("frames that are not page messages are refused; an oversized one closes the socket", async () => {
    const page = await bridge.open("other", "bad");
    await page.next("screen");
    for (const bad of [
      "not json",
      '{"type":"input"}',
      '{"type":"resize","cols":5000,"rows":10}',
      '{"type":"take","x":1}',
    ]) {
      page.send(bad);
    }
    page.sendRaw(Buffer.from("binary"), true);
    await waitFor(() =>
      Promise.resolve(
        page.messages.filter((m) => m.type === "error" && m.code === "BAD_MESSAGE").length === 5,
      ),
    );
    page.send({ type: "input", data: "x".repeat(70_000) });
    assert.equal(await page.closed(), 1009);
    await allGone();
  });

  test("an unknown agent and a stopped one are errors; a stop while watched ends the terminal", async () => {
    const missing = await bridge.open("nosuch", "m");
    assert.equal((await missing.next("error")).code, "AGENT_NOT_FOUND");
    await missing.closed();

    await create("stopper");
    const page = await bridge.open("stopper", "s");
    await page.next("screen");
    const stopped = await sb.fleet(["stop", "stopper"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    const ended = await page.next("ended");
    assert.match(ended.reason, /session ended/);
    await page.closed();
    await allGone();

    const again = await bridge.open("stopper", "s2");
    assert.equal((await again.next("error")).code, "AGENT_NOT_RUNNING");
    await again.closed();
  });

  test("an agent whose program exits ends the terminal with that reason", async () => {
    await create("quitter", "printf 'ready-%s\\n' marker; read -r line; exit 3");
    const page = await bridge.open("quitter", "q");
    await page.next("screen");
    page.send({ type: "take" });
    await page.next("control", (c) => c.holder !== null);
    page.send({ type: "input", data: "\r" });
    const ended = await page.next("ended");
    assert.match(ended.reason, /exited/);
    await page.closed();
    await allGone();
  });

  test("pages that leave while the terminal is still starting leave nothing behind", async () => {
    for (let round = 0; round < 3; round++) {
      const early = await bridge.open("other", `early-${round}`);
      early.close();
    }
    await new Promise((r) => setTimeout(r, 1000));
    await allGone();
    // And a page that stays still gets its terminal.
    const staying = await bridge.open("other", "stays");
    assert.match((await staying.next("screen")).data, /ready-marker/);
  });

  test("disconnectWhere ends the chosen viewers only", async () => {
    const keep = await bridge.open("other", "keep");
    const drop = await bridge.open("other", "drop");
    await keep.next("screen");
    await drop.next("screen");
    bridge.hub.disconnectWhere((viewer) => viewer.id === "drop");
    assert.equal(await drop.closed(), 4001);
    await keep.next("control", (c) => c.watchers === 1);
    assert.equal(keep.closeCode, undefined);
    keep.close();
    await allGone();
  });
});
