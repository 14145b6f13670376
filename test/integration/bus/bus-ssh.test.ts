/**
 * The bus on an SSH host: the agent there reaches it through a unix socket in
 * the host's fleet dir that fleet's own SSH connection forwards to the bus on
 * this machine (no port opened on either side). A `command` agent on the ssh
 * host and one on this machine exchange ten messages each way, in order, each
 * once; then the forward is killed and the next launch there brings it back.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot, waitFor } from "../../helpers/sandbox.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";

const PEER = join(repoRoot, "test", "fixtures", "bus", "bus-peer.js");

describe("the agents' bus on an ssh host", { skip: skipSsh }, () => {
  let f: SshFixture;
  const fleetFile = (extra = "") => `version: 1
name: bus-ssh
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  pong: { command: ${JSON.stringify(`node ${PEER}`)}, env: { BUS_ROLE: pong } }
  ping:
    host: box
    command: ${JSON.stringify(`node ${PEER}`)}
    env: { BUS_ROLE: ping, BUS_PEER: pong, BUS_COUNT: "10", PATH: ${JSON.stringify(process.env.PATH ?? "")} }
${extra}`;
  const received = async (dir: string): Promise<string[]> =>
    (await readFile(join(dir, "work", "bus-received.txt"), "utf8").catch(() => ""))
      .split("\n")
      .filter((line) => line !== "");

  before(async () => {
    f = await makeSshFixture("bus-ssh");
  });
  after(async () => {
    await f?.cleanup();
  });

  test("an agent on the ssh host and one here exchange ten messages, in order, once each", async () => {
    const applied = await f.sb.fleet(["apply", "-f", await f.fleetFile(fleetFile()), "-y"]);
    assert.equal(applied.code, 0, output(applied));
    const remoteAgent = join(f.sshd.fleetDir, "agents", "ping");
    await waitFor(async () => (await received(remoteAgent)).length >= 10, 60_000, 200);
    assert.deepEqual(
      await received(remoteAgent),
      Array.from({ length: 10 }, (_, i) => `pong ${i}`),
    );
    assert.deepEqual(
      await received(join(f.sb.home, "agents", "pong")),
      Array.from({ length: 10 }, (_, i) => `ping ${i}`),
    );
    const shown = await f.sb.fleet(["messages", "--agent", "ping@box", "--format", "json"]);
    const { messages } = JSON.parse(shown.stdout) as { messages: { from: string }[] };
    assert.equal(messages.filter((m) => m.from === "ping@box").length, 10);
  });

  test("a forward that died is started again by the next launch on the host", async () => {
    const pidFile = join(f.sb.home, "bus", "forwards", "box.pid");
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    process.kill(pid, "SIGKILL");
    const applied = await f.sb.fleet([
      "apply",
      "-f",
      await f.fleetFile(
        fleetFile(`  again:
    host: box
    command: ${JSON.stringify(`node ${PEER}`)}
    env: { BUS_ROLE: reader, PATH: ${JSON.stringify(process.env.PATH ?? "")} }
`),
      ),
      "-y",
    ]);
    assert.equal(applied.code, 0, output(applied));
    const newPid = Number((await readFile(pidFile, "utf8")).trim());
    assert.notEqual(newPid, pid);
    const { connectBus, callBusTool } = await import("../../../src/core/bus/client.ts");
    const client = await connectBus(
      { home: f.sb.home, prefix: f.sb.prefix },
      { processEnv: f.sb.env },
    );
    try {
      await callBusTool(client, "send_message", { to: "again", body: "through the new forward" });
    } finally {
      await client.close();
    }
    // `again` read its mail at start (none), so restart it to read what came.
    const restarted = await f.sb.fleet(["stop", "again"]);
    assert.equal(restarted.code, 0, output(restarted));
    const started = await f.sb.fleet(["start", "again"]);
    assert.equal(started.code, 0, output(started));
    await waitFor(
      async () =>
        (await received(join(f.sshd.fleetDir, "agents", "again"))).includes(
          "through the new forward",
        ),
      30_000,
      200,
    );
  });
});
