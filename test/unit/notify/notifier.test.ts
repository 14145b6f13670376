/** createNotifier in process, as fleet ui calls it: events, the callback, once-only across notifiers. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RecordingIoHost } from "../../../src/core/io.ts";
import type { LiveAgent, NotifyRule } from "../../../src/core/model.ts";
import { createNotifier, type NotifyEvent } from "../../../src/core/notify/index.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";

const live = (state: LiveAgent["state"], over: Partial<LiveAgent> = {}): LiveAgent => ({
  name: "docs",
  host: "local",
  provider: "local",
  fleet: "team",
  specHash: "x",
  spec: {
    name: "docs",
    host: "local",
    agent: "command",
    args: [],
    env: {},
    secrets: [],
    services: [],
    labels: {},
    idleTimeout: null,
  },
  state,
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: "2026-01-01T00:00:01.000Z",
  attached: false,
  ...over,
});

describe("createNotifier", () => {
  let home: string;
  let hooks: WebhookReceiver;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "fleet-notifier-"));
    hooks = await startWebhookReceiver();
  });
  after(async () => {
    await hooks.close();
    await rm(home, { recursive: true, force: true });
  });

  const notifier = (rule: NotifyRule | undefined, seen: NotifyEvent[] = []) =>
    createNotifier({
      ctx: { env: { home, prefix: "t-" }, io: new RecordingIoHost() },
      env: {},
      rules: () => rule,
      onEvent: (event) => seen.push(event),
    });

  test("two notifiers watching the same agents send one webhook call; both hear the event", async () => {
    const rule: NotifyRule = {
      on: ["waiting"],
      desktop: false,
      webhooks: [{ url: `${hooks.base}/one`, format: "slack" }],
    };
    const seenA: NotifyEvent[] = [];
    const seenB: NotifyEvent[] = [];
    const a = notifier(rule, seenA);
    const b = notifier(rule, seenB);
    await a.observe([live("RUNNING")]);
    await b.observe([live("RUNNING")]);
    const wait = live("WAITING", { waitingFor: "input", waitingSince: "2026-01-01T00:05:00.000Z" });
    const [reportA] = await a.observe([wait]);
    const [reportB] = await b.observe([wait]);
    assert.deepEqual(
      [reportA?.channels[0]?.status, reportB?.channels[0]?.status],
      ["sent", "skipped"],
    );
    assert.equal(hooks.to("/one").length, 1);
    assert.deepEqual([seenA.length, seenB.length], [1, 1]);
  });

  test("events outside the rule, or with no rule, reach only the callback", async () => {
    const seen: NotifyEvent[] = [];
    const n = notifier(undefined, seen);
    await n.observe([live("RUNNING", { createdAt: "2026-03-01T00:00:00.000Z" })]);
    const reports = await n.observe([
      live("DONE", { exitCode: 2, createdAt: "2026-03-01T00:00:00.000Z" }),
    ]);
    assert.deepEqual(reports[0]?.channels, []);
    assert.deepEqual(
      seen.map((e) => [e.type, e.exitCode]),
      [["failed", 2]],
    );
  });

  test("a webhook that does not answer is reported, not thrown", async () => {
    const rule: NotifyRule = {
      on: ["finished"],
      desktop: false,
      webhooks: [{ url: "http://127.0.0.1:1/closed", format: "ntfy" }],
    };
    const n = createNotifier({
      ctx: { env: { home, prefix: "t-" }, io: new RecordingIoHost() },
      env: {},
      rules: () => rule,
      webhook: { attempts: 2, retryDelayMs: 10, timeoutMs: 500 },
    });
    await n.observe([live("RUNNING", { createdAt: "2026-04-01T00:00:00.000Z" })]);
    const [report] = await n.observe([
      live("DONE", { exitCode: 0, createdAt: "2026-04-01T00:00:00.000Z" }),
    ]);
    assert.equal(report?.channels[0]?.status, "failed");
    assert.equal(report?.channels[0]?.channel, "http://127.0.0.1:1/…");
  });
});
