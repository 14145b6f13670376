import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

describe("an ssh host without tmux", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  before(async () => {
    f = await makeSshFixture("ssh-notmux", { without: ["tmux"] });
    file = await f.fleetFile(`version: 1
name: notmux
hosts:
  bare: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  a1: { host: bare, command: "sleep 600" }
  local1: { command: "sleep 600" }
`);
  });
  after(() => f.cleanup());

  test("apply fails with an error naming tmux and creates nothing there", async () => {
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 1, output(applied));
    assert.match(applied.stderr, /host bare \(.*\) lacks tmux/);
    assert.match(applied.stderr, /apt-get install tmux/);
    // Not even the fleet dir: the check comes before anything is written.
    assert.ok(!existsSync(f.sshd.fleetDir), `${f.sshd.fleetDir} was created`);
    assert.deepEqual(await f.remoteSessions(), []);
  });

  test("list reports the host's problem in its errors and still shows local agents", async () => {
    const created = await f.sb.fleet(["create", "solo", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, output(created));
    // Remember the host the way a successful apply would, then list without a fleet file.
    await mkdir(join(f.sb.home, "hosts"), { recursive: true });
    await writeFile(
      join(f.sb.home, "hosts", "bare.json"),
      JSON.stringify({
        name: "bare",
        provider: "ssh",
        config: {
          address: f.sshd.address,
          port: f.sshd.port,
          identityFile: f.sshd.clientKey,
          hostKey: f.sshd.hostKey,
        },
      }),
    );
    const list = await f.list();
    assert.deepEqual(
      list.agents.map((a) => a.name),
      ["solo"],
    );
    const error = list.errors.find((e) => e.host === "bare")?.error;
    assert.equal(error?.code, "HOST_MISSING_TOOLS");
    assert.match(error.message, /lacks tmux/);
    assert.ok(!existsSync(f.sshd.fleetDir));
  });
});
