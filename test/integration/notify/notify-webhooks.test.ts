/**
 * Notifications end to end: real command agents from a fleet file, real
 * watchers (`fleet notify --every`, `fleet reconcile --every`) and a webhook
 * receiver on loopback. Every event makes exactly one call, however many
 * watchers see it and when they restart.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

/** waitFor for a check that needs no await. */
const waitUntil = <T>(check: () => T | undefined | false, timeoutMs?: number): Promise<T> =>
  waitFor(() => Promise.resolve(check()), timeoutMs);
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";
import { fleetFile } from "../idle/idle-helpers.ts";
import { sleep, startWatcher, type Watcher } from "./watchers.ts";

describe("notifications to webhooks", () => {
  let sb: Sandbox;
  let hooks: WebhookReceiver;
  let file: string;
  const watchers: Watcher[] = [];
  const watch = (args: string[]): Watcher => {
    const watcher = startWatcher(sb, args);
    watchers.push(watcher);
    return watcher;
  };

  before(async () => {
    sb = await makeSandbox("notify-webhooks");
    hooks = await startWebhookReceiver();
    file = await fleetFile(
      sb,
      `version: 1
name: notes
defaults:
  idle: disabled
  notify:
    webhooks: [{ url: "${hooks.base}/slack" }]
agents:
  asker: { command: "sleep 600", notify: { on: [waiting] } }
  crasher:
    command: "sleep 600"
    notify: { on: [failed, finished], webhooks: [{ url: "${hooks.base}/ntfy", format: ntfy }] }
  idler: { command: "sleep 600", idleTimeout: 2s, notify: { on: [stopped] } }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });
  after(async () => {
    await hooks.close();
    await sb.cleanup();
  });

  const observedOnce = (): Promise<boolean> =>
    waitUntil(() => existsSync(join(sb.home, "notify", "observed.json")), 15_000);

  test("an agent going WAITING makes one call, with two watchers and a restart", async () => {
    const notifier = watch(["notify", "-f", file, "--every", "1s", "--format", "json"]);
    watch(["reconcile", "-f", file, "--every", "1s"]);
    await observedOnce();
    await sleep(1500);
    await writeFile(join(sb.home, "agents", "asker", "waiting"), "approval\n");
    const asked = (): false | typeof hooks.requests => {
      const calls = hooks.to("/slack").filter((r) => /asker/.test(r.body));
      return calls.length > 0 && calls;
    };
    const [call] = await waitUntil(asked);
    assert.equal(call?.headers["content-type"], "application/json");
    const body = JSON.parse(call?.body ?? "") as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["text"]);
    assert.match(String(body.text), /asker is waiting for approval/);
    // Both watchers saw it: the one that did not send it says it was taken.
    await waitUntil(() => /"type":"waiting"/.test(notifier.stdout()), 5000);
    await sleep(2500);
    await notifier.stop();
    watch(["notify", "-f", file, "--every", "1s"]);
    await sleep(3000);
    const waits = hooks.to("/slack").filter((r) => /asker/.test(r.body));
    assert.equal(waits.length, 1, JSON.stringify(waits));
  });

  test("a DONE with exit 1 is failed, in ntfy's plain text with a Title header", async () => {
    watch(["notify", "-f", file, "--every", "1s"]);
    await sleep(1500);
    // The agent's program crashes: its pane's process is replaced by one that exits 1.
    await sb.tmux(["respawn-pane", "-k", "-t", `=${sb.prefix}crasher:agent`, "exit 1"]);
    const [call] = await waitUntil(() => hooks.to("/ntfy").length > 0 && hooks.to("/ntfy"));
    assert.match(call?.headers["content-type"] ?? "", /^text\/plain/);
    assert.equal(call?.headers.title, "crasher failed");
    assert.equal(call?.headers.priority, "4");
    assert.match(
      call?.body ?? "",
      /^Agent crasher on local \(fleet notes\) failed: exited with code 1\./,
    );
    await sleep(2000);
    assert.equal(hooks.to("/ntfy").length, 1);
  });

  test("reconcile stopping an idle agent sends stopped, once", async () => {
    watch(["reconcile", "-f", file, "--every", "1s"]);
    const stopped = await waitUntil(() => {
      const calls = hooks.to("/slack").filter((r) => /idler was stopped/.test(r.body));
      return calls.length > 0 && calls;
    }, 15_000);
    assert.match(stopped[0]?.body ?? "", /idle for/);
    await sleep(2500);
    assert.equal(hooks.to("/slack").filter((r) => /idler/.test(r.body)).length, 1);
  });

  test("fleet notify --test sends the test message through each channel once", async () => {
    const before = hooks.requests.length;
    const result = await sb.fleet(["notify", "-f", file, "--test", "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { channels: { channel: string; ok: boolean }[] };
    assert.deepEqual(
      report.channels.map((c) => [c.channel, c.ok]),
      [
        ["http://" + hooks.base.slice(7) + "/…", true],
        ["http://" + hooks.base.slice(7) + "/…", true],
      ],
    );
    assert.equal(hooks.requests.length - before, 2);
    // The URL's path (where a token would be) is never printed.
    assert.doesNotMatch(result.stdout + result.stderr, /\/slack|\/ntfy/);
  });
});
