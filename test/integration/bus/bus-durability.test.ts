/**
 * Nothing acknowledged is lost to kill -9: the bus answers send_message only
 * once the message is fsynced, so killing its daemon mid-traffic may lose what
 * it had not answered yet, never what it had. A sender that retries with the
 * same ids after the restart gets each message stored exactly once.
 */
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { callBusTool, connectBus } from "../../../src/core/bus/client.ts";
import { isAlive } from "../../../src/core/bus/daemon.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

let sb: Sandbox;
before(async () => {
  sb = await makeSandbox("bus-kill");
});
after(async () => {
  await sb.cleanup();
});

const TOTAL = 400;

async function storedIds(): Promise<string[]> {
  const result = await sb.fleet(["messages", "--agent", "sink", "--format", "json"]);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { messages: { id: string }[] }).messages.map((m) => m.id);
}

test("killing the bus with -9 mid-traffic loses no acknowledged message; retries store each once", async () => {
  const created = await sb.fleet(["create", "sink", "--command", "sleep 600"]);
  assert.equal(created.code, 0, created.stderr);
  const env = { home: sb.home, prefix: sb.prefix };
  const client = await connectBus(env);
  const pid = Number((await readFile(join(sb.home, "bus", "daemon.pid"), "utf8")).trim());
  assert.ok(isAlive(pid));

  const acked: string[] = [];
  let killed = false;
  const sends = Array.from({ length: TOTAL }, (_, i) => `k-${i}`).map(async (id, i) => {
    // Spread out, so that the kill lands while messages are still coming.
    await new Promise((resolve) => setTimeout(resolve, i * 2));
    await callBusTool(client, "send_message", { to: "sink", body: `message ${id}`, id });
    acked.push(id);
    if (acked.length === 100 && !killed) {
      killed = true;
      process.kill(pid, "SIGKILL");
    }
  });
  const outcomes = await Promise.allSettled(sends);
  await client.close().catch(() => undefined);
  await waitFor(() => Promise.resolve(!isAlive(pid)), 5000);
  assert.ok(killed, "the daemon was killed mid-traffic");
  const failed = outcomes.filter((o) => o.status === "rejected").length;
  assert.ok(failed > 0, `some sends were cut off by the kill (acked ${acked.length} of ${TOTAL})`);

  // `fleet messages` reads the files: no daemon needed to see what survived.
  const survived = new Set(await storedIds());
  const lost = acked.filter((id) => !survived.has(id));
  assert.deepEqual(lost, [], `acknowledged but lost: ${lost.length} of ${acked.length}`);

  // The sender retries everything with the same ids on a new daemon.
  const again = await connectBus(env);
  try {
    for (let i = 0; i < TOTAL; i++) {
      await callBusTool(again, "send_message", {
        to: "sink",
        body: `message k-${i}`,
        id: `k-${i}`,
      });
    }
  } finally {
    await again.close();
  }
  const ids = await storedIds();
  assert.equal(ids.length, TOTAL, "each message stored exactly once");
  assert.equal(new Set(ids).size, TOTAL);
});
