/**
 * examples/pulumi/ssh-prepared under Pulumi's mocks. The real run against the
 * test sshd is blocked: @pulumi/command's provider plugin (pulumi-resource-command)
 * cannot be built here (the Go module proxy refuses its module, HTTP 403). So
 * this checks the program's resource graph: the remote.Command that installs
 * tmux and git precedes the fleet host and so every agent, the agents' host is
 * the SSH host, and the login key goes to the command as a Pulumi secret.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runExample, setExampleConfig } from "./example-program.ts";
import { isSentSecret, recordRegistrations, type Recorder } from "./pulumi-mocks.ts";

const PROJECT = "fleet-ssh-prepared";
const COMMAND = "command:remote:Command";
const HOST = "fleet:index:Host";
const AGENT = "fleet:index:Agent";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrhJL1DIcs+6zDYzQJLvUeb2cUKY1/DieMuLyY787YE";
const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nssh-prepared-test-key\n";

let dir: string;
let identityFile: string;
let recorder: Recorder;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "fleet-ssh-prepared-"));
  identityFile = join(dir, "id_ed25519");
  writeFileSync(identityFile, PRIVATE_KEY, { mode: 0o600 });
  recorder = await recordRegistrations({ project: PROJECT });
  setExampleConfig(PROJECT, {
    address: "dev@build-1",
    port: "2222",
    hostKey: HOST_KEY,
    identityFile,
  });
  await runExample("ssh-prepared");
  await recorder.settled();
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Everything `urn` comes after, directly or through what it depends on. */
function upstreamOf(urn: string): Set<string> {
  const byUrn = new Map(recorder.all().map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const visit = (u: string) => {
    for (const dep of byUrn.get(u)?.dependencies ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(urn);
  return seen;
}

describe("examples/pulumi/ssh-prepared", () => {
  test("declares the preparing command, the fleet host and two agents", () => {
    assert.deepEqual(
      recorder
        .all()
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [`${COMMAND} prepare-box`, `${AGENT} fix-tests`, `${AGENT} log-watcher`, `${HOST} box`],
    );
  });

  test("the command installs tmux and git (and flock) over the same login and pin as fleet's", () => {
    const command = recorder.get(COMMAND, "prepare-box");
    const create = command.inputs.create as string;
    assert.match(create, /apt-get install -y -q tmux git util-linux/);
    assert.match(create, /command -v tmux .*command -v git .*command -v flock/);
    assert.deepEqual(command.inputs.triggers, [create]);
    // @pulumi/command sends the whole connection as a secret; the key is inside it.
    const sent = command.sent.connection;
    assert.ok(isSentSecret(sent), "the connection (with its private key) is sent as a secret");
    const connection = (sent as { value: Record<string, unknown> }).value;
    assert.equal(connection.host, "build-1");
    assert.equal(connection.port, 2222);
    assert.equal(connection.user, "dev");
    assert.equal(connection.hostKey, HOST_KEY);
    const key = connection.privateKey;
    assert.equal(isSentSecret(key) ? (key as { value: unknown }).value : key, PRIVATE_KEY);
  });

  test("the command precedes the host and every agent", () => {
    const command = recorder.get(COMMAND, "prepare-box").urn;
    const host = recorder.get(HOST, "box");
    assert.deepEqual(host.dependencies, [command]);
    for (const name of ["fix-tests", "log-watcher"]) {
      const agent = recorder.get(AGENT, name);
      assert.ok(agent.dependencies.includes(host.urn), `${name} is declared after its host`);
      assert.ok(upstreamOf(agent.urn).has(command), `${name} comes after the command`);
    }
    assert.deepEqual(recorder.get(COMMAND, "prepare-box").dependencies, []);
  });

  test("the agents' host is the ssh host, with the command's address, port, pin and key", () => {
    const expected = {
      name: "box",
      provider: "ssh",
      config: { address: "dev@build-1", port: 2222, hostKey: HOST_KEY, identityFile },
    };
    assert.deepEqual(recorder.get(HOST, "box").inputs, { ...expected, fleet: "ssh-prepared" });
    for (const name of ["fix-tests", "log-watcher"]) {
      const agent = recorder.get(AGENT, name).inputs;
      assert.equal(agent.host, "box");
      assert.equal(agent.fleet, "ssh-prepared");
      assert.deepEqual(agent.hostSpec, expected);
    }
    assert.deepEqual(recorder.get(AGENT, "fix-tests").inputs.secrets, ["ANTHROPIC_API_KEY"]);
  });

  test("the login key is in no fleet input: fleet gets its path", () => {
    for (const r of recorder.all().filter((r) => r.type.startsWith("fleet:"))) {
      assert.ok(!JSON.stringify(r.inputs).includes("ssh-prepared-test-key"), r.name);
    }
  });
});
