/**
 * examples/pulumi/docker-host under Pulumi's mocks (@pulumi/docker's provider
 * plugin cannot be built here, so the container is the mocks' too): the
 * container becomes a fleet SSH host named as the container is, on the port
 * Docker published, and the agents are placed on it, after it. The host's
 * private key stays a Pulumi secret and no secret value reaches a fleet input.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { runExample, setExampleConfig } from "./example-program.ts";
import { isSentSecret, recordRegistrations, type Recorder } from "./pulumi-mocks.ts";

const PROJECT = "fleet-docker-host";
const CONTAINER = "docker:index/container:Container";
const HOST = "fleet:index:Host";
const AGENT = "fleet:index:Agent";
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrhJL1DIcs+6zDYzQJLvUeb2cUKY1/DieMuLyY787YE";
const HOST_PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nexample-host-private-key\n";
const AUTHORIZED_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOp5ZtXJ3j4Xq9hhPn1BOb2Lq2+3pWRyqm0Vb1x2y5sN me";
const ANTHROPIC_KEY = "sk-ant-example-value-never-in-state-5c1d";
const PUBLISHED_PORT = 32771;

let recorder: Recorder;
let outputs: Record<string, unknown>;

before(async () => {
  process.env.ANTHROPIC_API_KEY = ANTHROPIC_KEY;
  recorder = await recordRegistrations({
    project: PROJECT,
    // What Docker reports once the container runs: the port it published.
    outputs: (args) =>
      args.type === CONTAINER
        ? { ports: [{ internal: 22, external: PUBLISHED_PORT, ip: "127.0.0.1", protocol: "tcp" }] }
        : {},
  });
  setExampleConfig(
    PROJECT,
    {
      hostKey: HOST_KEY,
      hostPrivateKey: HOST_PRIVATE_KEY,
      authorizedKey: AUTHORIZED_KEY,
      identityFile: "/home/dev/.ssh/id_ed25519",
      containerName: "review-box",
    },
    ["hostPrivateKey"],
  );
  outputs = await runExample("docker-host");
  await recorder.settled();
});

describe("examples/pulumi/docker-host", () => {
  test("declares the container, one fleet host and two agents", () => {
    assert.deepEqual(
      recorder
        .all()
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [`${CONTAINER} agents-box`, `${AGENT} reviewer`, `${AGENT} uptime`, `${HOST} agents-box`],
    );
  });

  test("the container runs sshd on a loopback port, with the pinned host key", () => {
    const container = recorder.get(CONTAINER, "agents-box").inputs;
    assert.equal(container.name, "review-box");
    assert.equal(container.image, "fleet/base:bookworm");
    assert.deepEqual(container.ports, [{ internal: 22, ip: "127.0.0.1" }]);
    assert.match(
      (container.command as string[]).join(" "),
      /sshd -D .*HostKey=\/etc\/ssh\/ssh_host_ed25519_key/,
    );
    // As sent to the engine: the host's private key is a Pulumi secret (encrypted in state).
    const uploads = recorder.get(CONTAINER, "agents-box").sent.uploads as {
      file: string;
      content: unknown;
      permissions: string;
    }[];
    assert.deepEqual(
      uploads.map((u) => [u.file, u.permissions, isSentSecret(u.content)]),
      [
        ["/etc/ssh/ssh_host_ed25519_key", "0600", true],
        ["/etc/ssh/ssh_host_ed25519_key.pub", "0644", false],
        ["/root/.ssh/authorized_keys", "0600", false],
      ],
    );
    assert.deepEqual(
      uploads.slice(1).map((u) => u.content),
      [HOST_KEY, AUTHORIZED_KEY],
    );
  });

  test("the container becomes an ssh host named as it is, on the port Docker published", () => {
    assert.deepEqual(recorder.get(HOST, "agents-box").inputs, {
      fleet: "docker-host",
      name: "review-box",
      provider: "ssh",
      config: {
        address: "root@127.0.0.1",
        port: PUBLISHED_PORT,
        hostKey: HOST_KEY,
        identityFile: "/home/dev/.ssh/id_ed25519",
      },
    });
    const container = recorder.get(CONTAINER, "agents-box").urn;
    assert.deepEqual(recorder.get(HOST, "agents-box").dependencies, [container]);
  });

  test("the agents run on that host, after it (and so after the container)", () => {
    const host = recorder.get(HOST, "agents-box");
    for (const name of ["reviewer", "uptime"]) {
      const agent = recorder.get(AGENT, name);
      assert.equal(agent.inputs.host, "review-box", name);
      assert.deepEqual(agent.inputs.hostSpec, {
        name: "review-box",
        provider: "ssh",
        config: host.inputs.config,
      });
      assert.ok(agent.dependencies.includes(host.urn), `${name} depends on the host`);
    }
    const reviewer = recorder.get(AGENT, "reviewer").inputs;
    assert.equal(reviewer.agent, "claude");
    assert.deepEqual(reviewer.args, ["--model", "sonnet"]);
    assert.equal(reviewer.idleTimeout, 30 * 60_000);
    assert.equal((reviewer.workdir as { branch: string }).branch, "fleet/reviewer");
  });

  test("ANTHROPIC_API_KEY is a name: its value, set here, is in no input", () => {
    assert.deepEqual(recorder.get(AGENT, "reviewer").inputs.secrets, ["ANTHROPIC_API_KEY"]);
    for (const r of recorder.all()) {
      assert.ok(!JSON.stringify(r.inputs).includes(ANTHROPIC_KEY), `${r.type} ${r.name}`);
    }
    for (const r of recorder.all().filter((r) => r.type.startsWith("fleet:"))) {
      assert.ok(!JSON.stringify(r.inputs).includes("example-host-private-key"), r.name);
    }
  });

  test("the stack's outputs name the host and its port", async () => {
    const value = (output: unknown) =>
      new Promise((resolve) => (output as { apply(f: (v: unknown) => void): void }).apply(resolve));
    assert.equal(await value(outputs.hostName), "review-box");
    assert.equal(await value(outputs.port), PUBLISHED_PORT);
  });
});
