/**
 * The message queue docs/cli.md describes: every text message takes a ticket in
 * `<agent dir>/queue` on the agent's host and waits for the tickets ahead of it;
 * a ticket whose sender is gone is dropped; `--timeout` bounds the wait (exit 3,
 * `AGENT_BUSY`, with the count ahead) and nothing is typed then. The agent is a
 * plain command that writes each line it reads.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const READER = 'while IFS= read -r line; do echo "$line" >> lines.txt; done';

describe("fleet message queue", () => {
  let sb: Sandbox;
  let queue: string;
  before(async () => {
    sb = await makeSandbox("message-queue");
    const created = await sb.fleet(["create", "reader", "--command", READER, "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    queue = join(sb.home, "agents", "reader", "queue");
  });
  after(() => sb.cleanup());

  const lines = async () =>
    (await readFile(join(sb.home, "agents", "reader", "work", "lines.txt"), "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean);

  test("a ticket whose sender is gone is dropped; the message goes through", async () => {
    const first = await sb.fleet(["message", "reader", "one"]);
    assert.equal(first.code, 0, first.stderr);
    // A sender that died holding the next ticket (no process has this pid).
    const seq = Number((await readFile(join(queue, "seq"), "utf8")).trim());
    await writeFile(join(queue, String(seq + 1).padStart(12, "0")), "999999999\n");
    await writeFile(join(queue, "seq"), `${seq + 1}\n`);
    const second = await sb.fleet(["message", "reader", "two"]);
    assert.equal(second.code, 0, second.stderr);
    await waitFor(async () => ((await lines()).length === 2 ? true : undefined), 10_000, 100);
    assert.deepEqual(await lines(), ["one", "two"]);
  });

  test("a message behind a live sender's ticket waits, and gives up at --timeout with exit 3", async () => {
    // A live process holds the ticket ahead (as a `fleet message` waiting for a busy agent would).
    const holder = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const seq = Number((await readFile(join(queue, "seq"), "utf8")).trim());
      await writeFile(join(queue, String(seq + 1).padStart(12, "0")), `${holder.pid}\n`);
      await writeFile(join(queue, "seq"), `${seq + 1}\n`);
      const sent = await sb.fleet(["message", "reader", "--timeout", "2s", "three", "--json"]);
      assert.equal(sent.code, 3, sent.stderr);
      const error = (JSON.parse(sent.stdout) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "AGENT_BUSY");
      assert.match(error.message, /1 message ahead of it/);
      assert.deepEqual(await lines(), ["one", "two"], "nothing was typed");
    } finally {
      holder.kill();
    }
    // Its sender gone, the ticket no longer holds anyone up.
    await waitFor(() =>
      Promise.resolve(holder.exitCode !== null || holder.signalCode ? true : undefined),
    );
    const after = await sb.fleet(["message", "reader", "four"]);
    assert.equal(after.code, 0, after.stderr);
    await waitFor(async () => ((await lines()).length === 3 ? true : undefined), 10_000, 100);
    assert.deepEqual(await lines(), ["one", "two", "four"]);
  });

  test("--timeout takes a duration; anything else is a usage error, nothing sent", async () => {
    const bad = await sb.fleet(["message", "reader", "--timeout", "soon", "five"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--timeout/);
    assert.deepEqual(await lines(), ["one", "two", "four"]);
  });
});
