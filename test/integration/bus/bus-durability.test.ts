/**
 * Nothing acknowledged is lost to kill -9: the bus answers send_message only
 * once the message is fsynced, so killing its daemon mid-traffic may lose what
 * it had not answered yet, never what it had. A sender that retries with the
 * same ids after the restart gets each message stored exactly once.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { callBusTool, connectBus } from "../../../src/core/bus/client.ts";
import { isAlive } from "../../../src/core/bus/daemon.ts";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

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
  const client = await connectBus(env, { processEnv: sb.env });
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
  const again = await connectBus(env, { processEnv: sb.env });
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

test("a daemon fleet started for a FLEET_HOME that is gone makes nothing and exits", async () => {
  const gone = join(sb.dir, "gone-home");
  const started = await sb.fleet(["bus", "serve"], {
    env: { ...sb.env, FLEET_HOME: gone, FLEET_BUS_SPAWNED: "1" },
    timeoutMs: 15_000,
  });
  assert.notEqual(started.code, 0);
  assert.match(started.stderr, /is gone/);
  assert.equal(existsSync(gone), false, "the FLEET_HOME was not made again");
});

test("a daemon whose FLEET_HOME is removed (and made again by someone else) exits by itself", async () => {
  const home = join(sb.dir, "short-lived");
  await mkdir(join(home, "bus"), { recursive: true });
  const daemon = spawn(process.execPath, [fleetBin, "bus", "serve"], {
    env: { ...sb.env, FLEET_HOME: home },
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((resolve) => daemon.once("exit", resolve));
  try {
    await waitFor(() => Promise.resolve(existsSync(join(home, "bus", "run", "bus.sock"))), 10_000);
    await rm(home, { recursive: true, force: true });
    await mkdir(join(home, "bus"), { recursive: true });
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 10_000)),
    ]);
    assert.notEqual(code, "still running", "the daemon left once its FLEET_HOME was gone");
  } finally {
    daemon.kill("SIGKILL");
  }
});
