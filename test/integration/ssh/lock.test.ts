import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

describe("the host lock over ssh", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  before(async () => {
    f = await makeSshFixture("ssh-lock");
    const agents = ["r1", "r2", "r3"]
      .map((n) => `  ${n}: { host: box, command: "sleep 600" }`)
      .join("\n");
    file = await f.fleetFile(`version: 1
name: race
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
${agents}
`);
  });
  after(() => f.cleanup());

  test("an apply waits while another process holds the host's lock, and says so", async () => {
    // Hold the lock the way fleet does: flock on the host's fleet dir, over ssh.
    const holder = spawn(
      "ssh",
      [
        "-p",
        String(f.sshd.port),
        "-i",
        f.sshd.clientKey,
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        f.sshd.address,
        `mkdir -p ${f.sshd.fleetDir} && exec flock -x ${f.sshd.fleetDir}/lock sh -c 'echo locked; exec cat'`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) =>
      holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve()),
    );
    let finished = false;
    const applying = f.sb.fleet(["apply", "-f", file, "-y"]).finally(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(finished, false, "apply finished while the lock was held");
    assert.deepEqual(
      await f.remoteSessions(),
      [],
      "apply changed the host while the lock was held",
    );
    holder.stdin.end();
    const applied = await applying;
    assert.equal(applied.code, 0, output(applied));
    assert.match(
      applied.stderr,
      /waiting for another fleet process to release the lock on host box/,
    );
    assert.equal((await f.remoteSessions()).length, 3);
  });

  test("two applies at once end with exactly the declared agents", async () => {
    const agents = ["r4", "r5", "r6"]
      .map((n) => `  ${n}: { host: box, command: "sleep 600" }`)
      .join("\n");
    const second = await f.fleetFile(
      `version: 1
name: race
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
${agents}
`,
      "second.yaml",
    );
    const [one, two] = await Promise.all([
      f.sb.fleet(["apply", "-f", second, "-y"]),
      f.sb.fleet(["apply", "-f", second, "-y"]),
    ]);
    assert.equal(one.code, 0, output(one));
    assert.equal(two.code, 0, output(two));
    const sessions = (await f.remoteSessions()).sort();
    assert.deepEqual(
      sessions,
      ["r4", "r5", "r6"].map((n) => `${f.sb.prefix}${n}`),
    );
  });
});
