/**
 * docs/ui.md's way to reach `fleet ui` from another device: an SSH tunnel to its
 * loopback port (here to a real sshd on loopback, from another local port), with
 * the printed link's token. The page and its live events come through.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { type RunningUi, startFleetUi } from "../../helpers/fleet-ui.ts";
import { makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";
import { freePort, type Sshd, sshdSkipReason, startSshd } from "../../helpers/sshd.ts";

const skip = sshdSkipReason();
if (skip !== undefined) console.log(`# SKIPPED fleet ui over an SSH tunnel: ${skip}`);

describe("fleet ui over an SSH tunnel", { skip: skip ?? false }, () => {
  let sb: Sandbox;
  let sshd: Sshd;
  let ui: RunningUi;
  let tunnel: ChildProcess;
  let localPort: number;

  before(async () => {
    sb = await makeSandbox("ui-tunnel");
    sshd = await startSshd({ label: "ui" });
    const created = await sb.fleet(["create", "tunneled", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    ui = await startFleetUi(sb);
    localPort = await freePort();
    // As docs/ui.md shows it: ssh -N -L LOCAL:127.0.0.1:PORT user@host.
    tunnel = spawn(
      "ssh",
      [
        "-N",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "ExitOnForwardFailure=yes",
        "-i",
        sshd.clientKey,
        "-p",
        String(sshd.port),
        "-L",
        `${localPort}:127.0.0.1:${ui.port}`,
        sshd.address,
      ],
      { stdio: "ignore" },
    );
  });

  after(async () => {
    if (tunnel && tunnel.exitCode === null) {
      tunnel.kill("SIGTERM");
      await once(tunnel, "exit");
    }
    await ui?.stop();
    await sshd?.stop();
    await sb?.cleanup();
  });

  test("the link works through the tunnel's own port; without the token it refuses", async () => {
    const through = `http://127.0.0.1:${localPort}`;
    const refused = await waitFor(async () => {
      const response = await fetch(`${through}/api/agents`).catch(() => undefined);
      return response?.status;
    }, 15_000);
    assert.equal(refused, 401);
    const login = await fetch(`${through}/?token=${ui.token}`, { redirect: "manual" });
    assert.equal(login.status, 303);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const page = await fetch(`${through}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
    const listed = await fetch(`${through}/api/agents`, { headers: { cookie } });
    const names = ((await listed.json()) as { agents: { name: string }[] }).agents.map(
      (a) => a.name,
    );
    assert.deepEqual(names, ["tunneled"]);
  });
});
