import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { validateSshHost } from "../../../providers/ssh/host-config.ts";
import { fingerprint, parseKeys, preferredKey } from "../../../providers/ssh/host-keys.ts";
import { sshFailure } from "../../../providers/ssh/ssh-errors.ts";
import { remoteCommand } from "../../../providers/ssh/transport.ts";
import type { HostSpec } from "../../../src/core/model.ts";

const execFileAsync = promisify(execFile);
const ED25519 =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJjK/P/H4Lhl4yrJH6vNuCVr2j3zYOFqbJ+Oc6FyEXr3 root@vm";
const host = (config: Record<string, unknown>, extra: Partial<HostSpec> = {}): HostSpec => ({
  name: "box",
  provider: "ssh",
  config,
  ...extra,
});
const paths = (config: Record<string, unknown>, extra: Partial<HostSpec> = {}): string[] =>
  validateSshHost(host(config, extra)).map((p) => p.path);

describe("ssh host fields", () => {
  test("accept user@host or host, a port, a key file, a pinned key and a fleet dir", () => {
    assert.deepEqual(
      paths({
        address: "dev@build-1",
        port: 2222,
        identityFile: "/k",
        hostKey: ED25519,
        fleetDir: "~/fleet",
      }),
      [],
    );
    assert.deepEqual(paths({ address: "build-1.example.com" }), []);
    assert.deepEqual(paths({ address: "me@[::1]", fleetDir: "/srv/fleet" }), []);
  });

  test("require an address", () => {
    assert.deepEqual(paths({}), ["address"]);
  });

  test("refuse an address that ssh would read as an option or that holds a space", () => {
    assert.deepEqual(paths({ address: "-oProxyCommand=x" }), ["address"]);
    assert.deepEqual(paths({ address: "dev@host name" }), ["address"]);
  });

  test("refuse ports outside 1-65535", () => {
    assert.deepEqual(paths({ address: "h", port: 0 }), ["port"]);
    assert.deepEqual(paths({ address: "h", port: 70000 }), ["port"]);
    assert.deepEqual(paths({ address: "h", port: 22.5 }), ["port"]);
  });

  test("refuse a hostKey that is not a public key line", () => {
    assert.deepEqual(paths({ address: "h", hostKey: "SHA256:abc" }), ["hostKey"]);
  });

  test("refuse a relative fleet dir", () => {
    assert.deepEqual(paths({ address: "h", fleetDir: "fleet" }), ["fleetDir"]);
  });

  test("refuse fields of other providers and resource limits", () => {
    assert.deepEqual(paths({ address: "h", image: "x" }), ["image"]);
    assert.deepEqual(paths({ address: "h" }, { resources: { cpus: 1 } }), ["resources"]);
  });
});

describe("host key fingerprints", () => {
  test("are what ssh-keygen -lf prints", () => {
    const [key] = parseKeys(ED25519);
    assert.ok(key);
    assert.equal(fingerprint(key), "SHA256:hGPiihvCwkyfLAoOHvAxFZd6bBOJvMNKDThyU1men/M");
  });

  test("keys are read from known_hosts and keyscan lines alike, comments skipped", () => {
    const keys = parseKeys(
      `# 127.0.0.1:22 SSH-2.0-OpenSSH_9.2\n[127.0.0.1]:2222 ${ED25519}\nbox ${ED25519}\n`,
    );
    assert.deepEqual(
      keys.map((k) => k.type),
      ["ssh-ed25519"],
    );
  });

  test("the preferred key is the type ssh named, else ED25519", () => {
    const keys = [
      { type: "ssh-rsa", blob: "AAAA" },
      { type: "ssh-ed25519", blob: "BBBB" },
    ];
    assert.equal(preferredKey(keys)?.type, "ssh-ed25519");
    assert.equal(preferredKey(keys, "RSA")?.type, "ssh-rsa");
  });
});

describe("telling ssh's failures from the remote command's exit code", () => {
  test("an unknown host key names the key type", () => {
    const stderr =
      "No ED25519 host key is known for box and you have requested strict checking.\r\nHost key verification failed.\r\n";
    assert.deepEqual(sshFailure(255, stderr, false), {
      kind: "hostkey-unknown",
      keyType: "ED25519",
    });
  });

  test("a changed host key carries the new fingerprint", () => {
    const stderr = [
      "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
      "The fingerprint for the ED25519 key sent by the remote host is",
      "SHA256:hGPiihvCwkyfLAoOHvAxFZd6bBOJvMNKDThyU1men/M.",
      "Host key verification failed.",
    ].join("\n");
    assert.deepEqual(sshFailure(255, stderr, true), {
      kind: "hostkey-changed",
      keyType: "ED25519",
      fingerprint: "SHA256:hGPiihvCwkyfLAoOHvAxFZd6bBOJvMNKDThyU1men/M",
    });
  });

  test("a refused connection is unreachable, with ssh's reason without the repeated address", () => {
    assert.deepEqual(
      sshFailure(255, "ssh: connect to host 10.0.0.9 port 22: Connection refused\n", false),
      {
        kind: "unreachable",
        reason: "Connection refused",
      },
    );
  });

  test("a refused login is an auth failure", () => {
    assert.equal(sshFailure(255, "dev@h: Permission denied (publickey).\n", false)?.kind, "auth");
  });

  test("once connected, a bare 255 is the remote command's exit code", () => {
    assert.equal(sshFailure(255, "my tool failed\n", true), undefined);
    assert.equal(sshFailure(255, "my tool failed\n", false)?.kind, "other");
    assert.equal(sshFailure(1, "Connection refused", false), undefined);
  });
});

describe("remote command lines", () => {
  test("carry every argument through a POSIX shell unchanged", async () => {
    const argv = ["printf", "%s\\n", "a b", "it's", '"q"', "$HOME", "`x`", "*", "", "new\nline"];
    const { stdout } = await execFileAsync("sh", ["-c", remoteCommand(argv)]);
    assert.deepEqual(stdout.split("\n").slice(0, -1), [
      "a b",
      "it's",
      '"q"',
      "$HOME",
      "`x`",
      "*",
      "",
      "new",
      "line",
    ]);
  });

  test("run in the given dir with the given env", async () => {
    const command = remoteCommand(["sh", "-c", 'echo "$PWD $GREETING"'], {
      cwd: "/tmp",
      env: { GREETING: "hi there" },
    });
    const { stdout } = await execFileAsync("sh", ["-c", command]);
    assert.equal(stdout, "/tmp hi there\n");
  });
});
