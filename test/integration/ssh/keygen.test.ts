import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { closeSshMasters } from "../../helpers/sshd.ts";
import { execFileAsync, makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

/** An ssh-agent holding the test's client key: the "existing login" keygen goes over. */
async function startAgent(dir: string, key: string): Promise<{ socket: string; pid: number }> {
  const socket = join(dir, "agent.sock");
  const { stdout } = await execFileAsync("ssh-agent", ["-a", socket, "-s"]);
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1]);
  await execFileAsync("ssh-add", ["-q", key], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  return { socket, pid };
}

describe("fleet host keygen", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  let agent: { socket: string; pid: number };
  before(async () => {
    f = await makeSshFixture("ssh-keygen");
    agent = await startAgent(f.sb.dir, f.sshd.clientKey);
    // No identityFile: today's login comes from ssh-agent.
    file = await f.fleetFile(`version: 1
name: keys
hosts:
  box: { provider: ssh, address: ${JSON.stringify(f.sshd.address)}, port: ${f.sshd.port}, hostKey: ${JSON.stringify(f.sshd.hostKey)} }
agents:
  a1: { host: box, command: "sleep 600" }
`);
  });
  after(async () => {
    process.kill(agent.pid);
    await f.cleanup();
  });

  test("makes a 0600 ed25519 key, installs it over the current login and says what it did", async () => {
    const made = await f.sb.fleet(["host", "keygen", "box", "-f", file], {
      env: { SSH_AUTH_SOCK: agent.socket },
    });
    assert.equal(made.code, 0, output(made));
    const key = join(f.sb.home, "ssh", "keys", "box");
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    const publicKey = (await readFile(`${key}.pub`, "utf8")).trim();
    assert.match(publicKey, /^ssh-ed25519 \S+ fleet-box@/);
    const authorized = await readFile(join(f.sshd.remoteHome, ".ssh", "authorized_keys"), "utf8");
    assert.ok(authorized.split("\n").includes(publicKey), authorized);
    assert.match(made.stdout, /Generated an ed25519 key for box/);
    assert.match(made.stdout, /Added its public key to ~\/\.ssh\/authorized_keys on box/);
  });

  test("fleet then logs in with that key, without ssh-agent", async () => {
    await closeSshMasters(f.sb.home);
    const env = { SSH_AUTH_SOCK: "" };
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"], { env });
    assert.equal(applied.code, 0, output(applied));
    const list = await f.sb.fleet(["list", "--json"], { env });
    assert.deepEqual(
      (JSON.parse(list.stdout) as { agents: { name: string; state: string }[] }).agents.map(
        (a) => `${a.name}:${a.state}`,
      ),
      ["a1:RUNNING"],
    );
  });

  test("a second keygen refuses to replace the key", async () => {
    const again = await f.sb.fleet(["host", "keygen", "box", "-f", file]);
    assert.equal(again.code, 1, output(again));
    assert.match(again.stderr, /already has a fleet key/);
  });

  test("keygen of a host that is not an ssh host is refused", async () => {
    const local = await f.sb.fleet(["host", "keygen", "local", "-f", file]);
    assert.equal(local.code, 1, output(local));
    assert.match(local.stderr, /not an ssh host/);
  });
});
