import { strict as assert } from "node:assert";
import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import type { MessageRecord } from "../../../src/core/bus/message.ts";
import { MailboxStore } from "../../../src/core/bus/store.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-bus-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const message = (id: string, to: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({
  t: "msg",
  id,
  from: "a@local",
  to,
  priority: "normal",
  time: new Date().toISOString(),
  body: `body of ${id}`,
  ...extra,
});

test("a message sent twice with the same id is stored once, and survives a reopen", async () => {
  const { store } = await MailboxStore.open(dir);
  await store.send("team", [message("m1", "b@local")]);
  const again = await store.send("team", [message("m1", "b@local", { body: "changed" })]);
  assert.equal(again[0]?.body, "body of m1");
  await store.close();
  const text = await readFile(join(dir, "team.jsonl"), "utf8");
  assert.equal(text.trim().split("\n").length, 1);
  const { store: reopened } = await MailboxStore.open(dir);
  assert.deepEqual(
    reopened.inbox("b@local").map((m) => m.id),
    ["m1"],
  );
  await reopened.close();
});

test("the inbox is unread first, then high before normal before low, then in order", async () => {
  const { store } = await MailboxStore.open(dir);
  await store.send("team", [
    message("low", "b@local", { priority: "low" }),
    message("n1", "b@local"),
    message("high", "b@local", { priority: "high" }),
    message("n2", "b@local"),
  ]);
  await store.markRead("b@local", ["high"]);
  assert.deepEqual(
    store.inbox("b@local").map((m) => m.id),
    ["n1", "n2", "low", "high"],
  );
  assert.equal(store.unreadCount("b@local"), 3);
  await store.close();
  const { store: reopened } = await MailboxStore.open(dir);
  assert.equal(reopened.get("high", "b@local")?.readAt !== undefined, true);
  await reopened.close();
});

test("a line torn by a crash is skipped, and the next append starts on a line of its own", async () => {
  const { store } = await MailboxStore.open(dir);
  await store.send("team", [message("m1", "b@local")]);
  await store.close();
  await appendFile(join(dir, "team.jsonl"), '{"t":"msg","id":"torn","fro');
  const { store: reopened, skippedLines } = await MailboxStore.open(dir);
  assert.equal(skippedLines, 1);
  await reopened.send("team", [message("m2", "b@local")]);
  await reopened.close();
  const { store: third, skippedLines: skippedAgain } = await MailboxStore.open(dir);
  assert.equal(skippedAgain, 1);
  assert.deepEqual(
    third.inbox("b@local").map((m) => m.id),
    ["m1", "m2"],
  );
  await third.close();
});

test("prune drops read messages older than asked, then the oldest over the size cap, read first", async () => {
  const { store } = await MailboxStore.open(dir);
  await store.send(
    "team",
    Array.from({ length: 10 }, (_, i) => message(`m${i}`, "b@local", { body: "x".repeat(100) })),
  );
  await store.markRead("b@local", ["m0", "m1", "m5"]);
  const byAge = await store.prune({ readBefore: new Date(Date.now() + 1000).toISOString() });
  assert.deepEqual(byAge, { dropped: 3, droppedUnread: 0, files: ["team"] });
  const byCap = await store.prune({ maxBytes: 3 * 250 });
  assert.ok(byCap.dropped >= 4, JSON.stringify(byCap));
  const left = store.inbox("b@local").map((m) => m.id);
  assert.deepEqual(left, ["m2", "m3", "m4", "m6", "m7", "m8", "m9"].slice(byCap.dropped));
  await store.send("team", [message("after", "b@local")]);
  await store.close();
  const { store: reopened } = await MailboxStore.open(dir);
  assert.deepEqual(
    reopened.inbox("b@local").map((m) => m.id),
    [...left, "after"],
  );
  await reopened.close();
});
