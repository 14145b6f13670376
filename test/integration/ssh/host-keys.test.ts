import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { closeSshMasters } from "../../helpers/sshd.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

describe("ssh host keys", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  before(async () => {
    f = await makeSshFixture("ssh-keys");
    file = await f.fleetFile(`version: 1
name: keys
hosts:
  box: ${f.sshd.hostEntry()}
agents:
  a1: { host: box, command: "sleep 600" }
`);
  });
  after(() => f.cleanup());

  test("a host whose key is not pinned is refused with its fingerprint and the command to trust it", async () => {
    const planned = await f.sb.fleet(["plan", "-f", file, "--json"]);
    assert.equal(planned.code, 1, output(planned));
    assert.match(planned.stdout, /SSH_HOSTKEY_UNKNOWN/);
    assert.ok(planned.stdout.includes(f.sshd.hostFingerprint), planned.stdout);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 1, output(applied));
    assert.ok(applied.stderr.includes(f.sshd.hostFingerprint), applied.stderr);
    assert.match(applied.stderr, /fleet host trust box/);
    assert.deepEqual(await f.remoteSessions(), []);
  });

  test("fleet host trust prints the fingerprint and pins the key; then apply works", async () => {
    const trusted = await f.sb.fleet(["host", "trust", "box", "-f", file]);
    assert.equal(trusted.code, 0, output(trusted));
    assert.ok(trusted.stdout.includes(`ED25519  ${f.sshd.hostFingerprint}`), trusted.stdout);
    const pinned = join(f.sb.home, "ssh", "known_hosts", "box");
    assert.match(
      await readFile(pinned, "utf8"),
      new RegExp(`^box ${f.sshd.hostKey.replaceAll("+", "\\+")}$`, "m"),
    );
    assert.equal((await stat(pinned)).mode & 0o777, 0o600);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    assert.equal((await f.list()).agents.find((a) => a.name === "a1")?.state, "RUNNING");
  });

  test("trusting the same key again changes nothing", async () => {
    const again = await f.sb.fleet(["host", "trust", "box", "-f", file, "--json"]);
    assert.equal(again.code, 0, output(again));
    assert.equal(
      (JSON.parse(again.stdout) as { trusted: { unchanged: boolean } }).trusted.unchanged,
      true,
    );
  });

  test("trust refuses a host that does not present the fingerprint given", async () => {
    const refused = await f.sb.fleet([
      "host",
      "trust",
      "box",
      "-f",
      file,
      "--fingerprint",
      "SHA256:not-this-one",
    ]);
    assert.equal(refused.code, 1, output(refused));
    assert.match(refused.stderr, /does not present the key SHA256:not-this-one/);
  });

  test("a changed host key is refused loudly, by every command, with the new fingerprint", async () => {
    await closeSshMasters(f.sb.home);
    const oldFingerprint = f.sshd.hostFingerprint;
    await f.sshd.restart({ newHostKey: true });
    assert.notEqual(f.sshd.hostFingerprint, oldFingerprint);
    const list = await f.list();
    const error = list.errors.find((e) => e.host === "box")?.error;
    assert.equal(error?.code, "SSH_HOSTKEY_CHANGED", JSON.stringify(list));
    assert.match(error.message, /HOST KEY CHANGED/);
    assert.ok(error.message.includes(f.sshd.hostFingerprint), error.message);
    assert.ok(error.message.includes(oldFingerprint), error.message);
    const exec = await f.sb.fleet(["exec", "a1@box", "--", "true"]);
    assert.notEqual(exec.code, 0, output(exec));
    const trust = await f.sb.fleet(["host", "trust", "box", "-f", file]);
    assert.equal(trust.code, 1, output(trust));
    assert.match(trust.stderr, /HOST KEY CHANGED/);
    assert.match(trust.stderr, /--replace/);
  });

  test("trust --replace pins the new key and the host's agents come back into view", async () => {
    const replaced = await f.sb.fleet(["host", "trust", "box", "-f", file, "--replace"]);
    assert.equal(replaced.code, 0, output(replaced));
    assert.match(replaced.stdout, /Replaced the previously pinned ED25519/);
    const list = await f.list();
    assert.deepEqual(list.errors, []);
    assert.equal(list.agents.find((a) => a.name === "a1")?.state, "RUNNING");
  });

  test("a hostKey in the fleet file that is not the host's key is refused as changed", async () => {
    const wrong = await f.fleetFile(
      `version: 1
name: pinned
hosts:
  pinned: ${f.sshd.hostEntry({ hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" })}
`,
      "pinned.yaml",
    );
    const planned = await f.sb.fleet(["plan", "-f", wrong, "--json"]);
    assert.equal(planned.code, 1, output(planned));
    assert.match(planned.stdout, /SSH_HOSTKEY_CHANGED/);
    assert.match(planned.stdout, /the fleet file's hostKey/);
  });
});
