/**
 * `fleet/pulumi`'s own classes under Pulumi's mocks: a Host and an Agent
 * declared one by one register what declareFleet registers for the same fleet
 * file; arguments may be outputs of other resources (a container's name and
 * port); typos throw where the resource is declared; secrets stay names.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { isFleetError } from "../../../src/core/errors.ts";
import * as engine from "../../../src/engines/pulumi/resources.ts";
import * as fleet from "../../../src/pulumi-sdk/index.ts";
import { recordRegistrations, urnOf, type Recorder, type Registration } from "./pulumi-mocks.ts";

const HOST = "fleet:index:Host";
const AGENT = "fleet:index:Agent";
const POLICY = "fleet:index:NetworkPolicy";
const CONTAINER = "docker:index/container:Container";
const SECRET_NAME = "SDK_TEST_TOKEN";
const SECRET_VALUE = "sdk-secret-value-that-must-not-leak-93be";

let dir: string;
let recorder: Recorder;
before(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "fleet-sdk-")));
});
after(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  process.env[SECRET_NAME] = SECRET_VALUE;
  recorder = await recordRegistrations({
    outputs: (args) =>
      args.type === CONTAINER
        ? { ports: [{ internal: 22, external: 32022, ip: "127.0.0.1" }] }
        : {},
  });
});

/** A stand-in for @pulumi/docker's Container: same type token, outputs from the mocks. */
class Container extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly ports: pulumi.Output<{ internal: number; external: number }[]>;
  constructor(name: string, args: { name: string; image: string }) {
    super(CONTAINER, name, { ...args, ports: undefined });
  }
}

const shape = (regs: Registration[]) =>
  regs
    .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, deps: r.dependencies }))
    .sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));

describe("Host and Agent with plain arguments", () => {
  test("register exactly what declareFleet registers for the same fleet file", async () => {
    const sandbox = new fleet.Host("sandbox", {
      fleet: "sdk",
      provider: "docker",
      image: "fleet/base:bookworm",
      network: { egress: "offline" },
      resources: { memory: "512m", pids: 256 },
    });
    const box = new fleet.Host("box", { fleet: "sdk", provider: "ssh", address: "dev@build-1" });
    new fleet.Agent("boxed", { host: sandbox, template: "worker", templates: WORKER });
    new fleet.Agent("remote", { host: box, agent: "claude", args: ["--model", "opus"] });
    new fleet.Agent("here", {
      fleet: "sdk",
      command: "sleep 600",
      workdir: { from: "." },
      idleTimeout: "1h",
      baseDir: dir,
    });
    await recorder.settled();
    const fromClasses = shape(recorder.all());

    recorder = await recordRegistrations();
    const file = join(dir, "fleet.yaml");
    writeFileSync(
      file,
      `version: 1
name: sdk
templates:
  worker: { agent: command, command: sleep 600, labels: { team: core } }
hosts:
  sandbox:
    provider: docker
    image: fleet/base:bookworm
    network: { egress: offline }
    resources: { memory: 512m, pids: 256 }
  box: { provider: ssh, address: dev@build-1 }
agents:
  boxed: { host: sandbox, template: worker }
  remote: { host: box, agent: claude, args: [--model, opus] }
  here: { command: sleep 600, workdir: { from: . }, idleTimeout: 1h }
`,
    );
    await fleet.declareFleet(file);
    await recorder.settled();
    assert.deepEqual(fromClasses, shape(recorder.all()));
    assert.equal(fromClasses.length, 6);
  });

  test("a Host with network declares its NetworkPolicy, and its agents wait for both", async () => {
    const sandbox = new fleet.Host("sandbox", {
      fleet: "sdk",
      provider: "docker",
      image: "fleet/base:bookworm",
      network: { egress: "allowlist", cidrs: ["10.0.0.0/8"] },
    });
    assert.ok(sandbox.networkPolicy instanceof fleet.NetworkPolicy);
    new fleet.Agent("boxed", { host: sandbox, command: "true" });
    await recorder.settled();
    assert.deepEqual(recorder.get(POLICY, "sandbox").inputs.policy, {
      egress: "allowlist",
      cidrs: ["10.0.0.0/8"],
    });
    assert.deepEqual(recorder.get(POLICY, "sandbox").dependencies, [urnOf(HOST, "sandbox")]);
    assert.deepEqual(recorder.get(AGENT, "boxed").dependencies, [
      urnOf(HOST, "sandbox"),
      urnOf(POLICY, "sandbox"),
    ]);
    assert.throws(
      () => new fleet.NetworkPolicy("again", { host: sandbox }),
      /already has its network policy/,
    );
  });

  test("the program's own dependsOn comes after the host's", async () => {
    const gate = new Container("gate", { name: "gate", image: "busybox" });
    const box = new fleet.Host("box", { fleet: "sdk", provider: "ssh", address: "dev@build-1" });
    new fleet.Agent("a", { host: box, command: "true" }, { dependsOn: [gate] });
    new fleet.Agent("b", { host: box, command: "true" }, { dependsOn: gate });
    new fleet.Agent("c", { host: box, command: "true" }, { dependsOn: pulumi.output([gate]) });
    await recorder.settled();
    for (const name of ["a", "b", "c"]) {
      assert.deepEqual(
        recorder.get(AGENT, name).dependencies,
        [urnOf(CONTAINER, "gate"), urnOf(HOST, "box")],
        name,
      );
    }
  });

  test("an agent on a host declareFleet returned is placed there, after it", async () => {
    writeFileSync(
      join(dir, "hosts.yaml"),
      "version: 1\nname: sdk\nhosts:\n  box: { provider: ssh, address: dev@build-1 }\n",
    );
    const declared = await fleet.declareFleet(join(dir, "hosts.yaml"));
    const box = declared.hosts.get("box");
    assert.ok(box);
    new fleet.Agent("extra", { host: box, agent: "codex" });
    await recorder.settled();
    const extra = recorder.get(AGENT, "extra");
    assert.equal(extra.inputs.fleet, "sdk");
    assert.equal(extra.inputs.host, "box");
    assert.deepEqual(extra.inputs.hostSpec, {
      name: "box",
      provider: "ssh",
      config: { address: "dev@build-1" },
    });
    assert.deepEqual(extra.dependencies, [urnOf(HOST, "box")]);
  });
});

describe("arguments that are outputs of other resources", () => {
  test("an ssh host made of a container's name and port, and an agent on it", async () => {
    const container = new Container("box", { name: "agents-box", image: "fleet/sshd" });
    const host = new fleet.Host("box", {
      fleet: "sdk",
      name: container.name,
      provider: "ssh",
      address: "root@127.0.0.1",
      port: container.ports.apply((ports) => ports[0]?.external),
    });
    const agent = new fleet.Agent("worker", {
      host,
      command: "sleep 600",
      env: { WHERE: container.name },
      secrets: [SECRET_NAME],
    });
    await recorder.settled();
    assert.deepEqual(recorder.get(HOST, "box").inputs, {
      fleet: "sdk",
      name: "agents-box",
      provider: "ssh",
      config: { address: "root@127.0.0.1", port: 32022 },
    });
    const registered = recorder.get(AGENT, "worker");
    assert.equal(registered.inputs.host, "agents-box");
    assert.deepEqual(registered.inputs.hostSpec, {
      name: "agents-box",
      provider: "ssh",
      config: { address: "root@127.0.0.1", port: 32022 },
    });
    assert.deepEqual(registered.inputs.env, { WHERE: "agents-box" });
    assert.deepEqual(registered.inputs.secrets, [SECRET_NAME]);
    // After the host, and after the container its inputs came from.
    assert.deepEqual(registered.dependencies, [urnOf(CONTAINER, "box"), urnOf(HOST, "box")]);
    assert.deepEqual(recorder.get(HOST, "box").dependencies, [urnOf(CONTAINER, "box")]);
    const resolved = await new Promise((resolve) => agent.spec.apply(resolve));
    assert.deepEqual(resolved, {
      name: "worker",
      host: "agents-box",
      agent: "command",
      command: "sleep 600",
      args: [],
      env: { WHERE: "agents-box" },
      secrets: [SECRET_NAME],
      services: [],
      labels: {},
      idleTimeout: 15 * 60_000,
    });
    for (const r of recorder.all()) {
      assert.ok(!JSON.stringify(r.inputs).includes(SECRET_VALUE), `${r.type} ${r.name}`);
    }
  });

  test("in a preview, an agent on a host whose port is unknown still sends its host spec as an object", async () => {
    // Outputs the mocks do not return are unknown in a preview: the container's ports.
    recorder = await recordRegistrations({ preview: true });
    const container = new Container("box", { name: "agents-box", image: "fleet/sshd" });
    const host = new fleet.Host("box", {
      fleet: "sdk",
      provider: "ssh",
      address: "root@127.0.0.1",
      port: container.ports.apply((ports) => ports[0]?.external),
    });
    new fleet.Agent("worker", { host, command: "sleep 600" });
    await recorder.settled();
    const inputs = recorder.get(AGENT, "worker").inputs;
    // What is known is sent; the provider's check wants hostSpec to be an object.
    assert.equal(inputs.name, "worker");
    assert.equal(inputs.fleet, "sdk");
    assert.equal(typeof inputs.hostSpec, "object");
    assert.notEqual(inputs.hostSpec, null);
    assert.ok(!pulumi.isUnknown(inputs.hostSpec), "hostSpec is an object of (unknown) fields");
    assert.ok(pulumi.isUnknown((inputs.hostSpec as Record<string, unknown>).config));
    assert.ok(pulumi.isUnknown(inputs.command), "the agent's spec waits for its host's");
  });
});

describe("mistakes", () => {
  const thrownBy = (make: () => unknown): Error => {
    try {
      make();
    } catch (error) {
      return error as Error;
    }
    assert.fail("expected a throw");
  };

  test("a typo in an agent's fields throws where it is declared, as fleet validate words it", () => {
    const error = thrownBy(
      () =>
        new fleet.Agent("typo", {
          fleet: "sdk",
          command: "true",
          ...({ agnet: "claude" } as object),
        }),
    );
    assert.ok(isFleetError(error));
    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(
      error.message,
      'fleet.Agent(typo): agents.typo.agnet: unknown key "agnet" — did you mean "agent"?',
    );
  });

  test("an unknown template throws, naming it", () => {
    const box = new fleet.Host("box", { fleet: "sdk", provider: "ssh", address: "dev@build-1" });
    assert.throws(
      () => new fleet.Agent("t", { host: box, template: "nope" }),
      /agents\.t\.template/,
    );
  });

  test("a bad host field throws where the host is declared", () => {
    assert.throws(
      () => new fleet.Host("box", { fleet: "sdk", provider: "ssh", address: "x", port: 70000 }),
      /fleet\.Host\(box\): hosts\.box\.port/,
    );
  });

  test("an agent on this machine needs its fleet named", () => {
    assert.throws(() => new fleet.Agent("lonely", { command: "true" }), { code: "USAGE" });
  });

  test("a host resource fleet/pulumi did not make is refused: its spec is unknown", () => {
    const foreign = new engine.Host("foreign", {
      fleet: "sdk",
      name: "foreign",
      provider: "local",
      config: {},
    });
    assert.throws(() => new fleet.Agent("x", { host: foreign }), /not made by fleet\/pulumi/);
  });

  test("a provider check on outputs fails the program with fleet's words", () => {
    // Known only once the container is: checked then, so the program (not the constructor) fails.
    const program = `
      import * as pulumi from "@pulumi/pulumi";
      await pulumi.runtime.setMocks({ newResource: (a) => ({ id: "x", state: a.inputs }), call: () => ({}) });
      const fleet = await import(${JSON.stringify(new URL("../../../src/pulumi-sdk/index.ts", import.meta.url).href)});
      new fleet.Host("box", { fleet: "sdk", provider: "ssh", address: pulumi.output(undefined) });
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", program], {
      encoding: "utf8",
      cwd: join(import.meta.dirname, "..", "..", ".."),
      timeout: 60_000,
    });
    assert.notEqual(result.status, 0, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /fleet\.Host\(box\): hosts\.box\.address: an ssh host needs an address/,
    );
  });
});

const WORKER = {
  worker: { agent: "command", command: "sleep 600", labels: { team: "core" } },
};
