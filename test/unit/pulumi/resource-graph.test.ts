/**
 * The resource graph `fleet/pulumi` declares for a whole fleet file, under
 * Pulumi's mocks: a fleet with this machine, a docker host with a network
 * policy and an SSH host, an agent on each, one with a secret. Types, names,
 * inputs (against fleet's own resolution of the same file), dependencies (as
 * sent to the engine), and no secret value anywhere.
 */
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { parse } from "yaml";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import type { FleetInput } from "../../../src/core/config/schema.ts";
import { isFleetError } from "../../../src/core/errors.ts";
import type { DesiredState } from "../../../src/core/model.ts";
import * as fleet from "../../../src/pulumi-sdk/index.ts";
import { recordRegistrations, urnOf, type Recorder, type Registration } from "./pulumi-mocks.ts";

const HOST = "fleet:index:Host";
const AGENT = "fleet:index:Agent";
const POLICY = "fleet:index:NetworkPolicy";
const SECRET_NAME = "GRAPH_TEST_TOKEN";
const SECRET_VALUE = "s3cr3t-value-0f-graph-test-7d41";
const GiB = 1024 ** 3;

const FLEET_YAML = `version: 1
name: graph
defaults: { idleTimeout: 20m }
templates:
  worker:
    agent: command
    command: sleep 600
    labels: { team: core }
hosts:
  sandbox:
    provider: docker
    image: fleet/base:bookworm
    network: { egress: allowlist, cidrs: [10.1.0.0/16] }
    resources: { cpus: 1, memory: 2g }
  box: { provider: ssh, address: dev@build-1, port: 2222 }
agents:
  here:
    template: worker
    secrets: [${SECRET_NAME}]
    env: { MODE: test }
    workdir: { from: . }
  boxed: { template: worker, host: sandbox, idle: disabled }
  remote: { agent: codex, host: box, args: [--model, o3] }
`;

let dir: string;
let file: string;
let desired: DesiredState;
let recorder: Recorder;

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "fleet-graph-")));
  file = join(dir, "fleet.yaml");
  writeFileSync(file, FLEET_YAML);
  // fleet's own resolution of the file, as `fleet validate` and `fleet apply` make it.
  desired = await loadFleetFile(file);
});
after(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  process.env[SECRET_NAME] = SECRET_VALUE;
  recorder = await recordRegistrations();
});

const summary = (regs: Registration[]) => regs.map((r) => `${r.type} ${r.name}`).sort();
const spec = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((item) => item.name === name);
  assert.ok(found, `${name} is in the resolved fleet`);
  return found;
};

describe("declareFleet(fleet file) under Pulumi's mocks", () => {
  test("declares a Host per declared host, a NetworkPolicy for the docker host, an Agent each", async () => {
    const declared = await fleet.declareFleet(file);
    await recorder.settled();
    assert.deepEqual(summary(recorder.all()), [
      `${AGENT} boxed`,
      `${AGENT} here`,
      `${AGENT} remote`,
      `${HOST} box`,
      `${HOST} sandbox`,
      `${POLICY} sandbox`,
    ]);
    // This machine's implicit host is no resource.
    assert.deepEqual([...declared.hosts.keys()].sort(), ["box", "sandbox"]);
    assert.deepEqual([...declared.policies.keys()], ["sandbox"]);
    assert.deepEqual([...declared.agents.keys()].sort(), ["boxed", "here", "remote"]);
    assert.equal(declared.desired.fleet, "graph");
  });

  test("host inputs are fleet's resolved host spec, without network, plus the fleet", async () => {
    await fleet.declareFleet(file);
    await recorder.settled();
    assert.deepEqual(recorder.get(HOST, "sandbox").inputs, {
      fleet: "graph",
      name: "sandbox",
      provider: "docker",
      config: { image: "fleet/base:bookworm" },
      resources: { cpus: 1, memory: 2 * GiB },
    });
    assert.deepEqual(recorder.get(HOST, "box").inputs, {
      fleet: "graph",
      name: "box",
      provider: "ssh",
      config: { address: "dev@build-1", port: 2222 },
    });
    assert.deepEqual(recorder.get(POLICY, "sandbox").inputs, {
      fleet: "graph",
      hostSpec: {
        name: "sandbox",
        provider: "docker",
        config: { image: "fleet/base:bookworm" },
        resources: { cpus: 1, memory: 2 * GiB },
      },
      policy: { egress: "allowlist", cidrs: ["10.1.0.0/16"] },
    });
  });

  test("agent inputs are fleet's resolved agent spec (templates and defaults applied) and its whole host", async () => {
    await fleet.declareFleet(file);
    await recorder.settled();
    for (const name of ["here", "boxed", "remote"]) {
      const agent = spec(desired.agents, name);
      const host = spec(desired.hosts, agent.host);
      assert.deepEqual(
        recorder.get(AGENT, name).inputs,
        JSON.parse(JSON.stringify({ ...agent, fleet: "graph", hostSpec: host })),
        `agents.${name}`,
      );
    }
    // What that resolution is, spelled out for one agent on each host.
    const here = recorder.get(AGENT, "here").inputs;
    assert.equal(here.host, "local");
    assert.equal(here.command, "sleep 600");
    assert.equal(here.idleTimeout, 20 * 60_000);
    assert.deepEqual(here.labels, { team: "core" });
    assert.deepEqual(here.workdir, { from: dir, branch: "fleet/here" });
    assert.deepEqual(here.hostSpec, { name: "local", provider: "local", config: {} });
    const boxed = recorder.get(AGENT, "boxed").inputs;
    assert.equal(boxed.idleTimeout, null);
    assert.deepEqual(boxed.hostSpec, {
      name: "sandbox",
      provider: "docker",
      config: { image: "fleet/base:bookworm" },
      network: { egress: "allowlist", cidrs: ["10.1.0.0/16"] },
      resources: { cpus: 1, memory: 2 * GiB },
    });
    const remote = recorder.get(AGENT, "remote").inputs;
    assert.deepEqual([remote.agent, remote.args, remote.host], ["codex", ["--model", "o3"], "box"]);
  });

  test("each agent depends on its host and the host's network policy; the policy on its host", async () => {
    await fleet.declareFleet(file);
    await recorder.settled();
    const deps = (type: string, name: string) => recorder.get(type, name).dependencies;
    assert.deepEqual(deps(AGENT, "boxed"), [urnOf(HOST, "sandbox"), urnOf(POLICY, "sandbox")]);
    assert.deepEqual(deps(AGENT, "remote"), [urnOf(HOST, "box")]);
    assert.deepEqual(deps(AGENT, "here"), []);
    assert.deepEqual(deps(POLICY, "sandbox"), [urnOf(HOST, "sandbox")]);
    assert.deepEqual(deps(HOST, "sandbox"), []);
    assert.deepEqual(deps(HOST, "box"), []);
  });

  test("a secret is a name only: its value, set in this process, is in no input", async () => {
    assert.equal(process.env[SECRET_NAME], SECRET_VALUE);
    await fleet.declareFleet(file);
    await recorder.settled();
    assert.deepEqual(recorder.get(AGENT, "here").inputs.secrets, [SECRET_NAME]);
    assert.deepEqual(recorder.get(AGENT, "here").inputs.env, { MODE: "test" });
    const registered = recorder.all();
    assert.equal(registered.length, 6);
    for (const registration of registered) {
      assert.ok(
        !JSON.stringify(registration.inputs).includes(SECRET_VALUE),
        `${registration.type} ${registration.name} holds the secret's value`,
      );
    }
  });

  test("resourceOptions.dependsOn is kept on every resource, beside fleet's own order", async () => {
    const first = await recordRegistrations();
    const base = new fleet.Host("laptop", { fleet: "other", provider: "local" });
    await first.settled();
    recorder = await recordRegistrations();
    await fleet.declareFleet(file, { resourceOptions: { dependsOn: [base] } });
    await recorder.settled();
    const deps = (type: string, name: string) => recorder.get(type, name).dependencies.toSorted();
    const laptop = urnOf(HOST, "laptop");
    assert.deepEqual(deps(HOST, "sandbox"), [laptop]);
    assert.deepEqual(deps(HOST, "box"), [laptop]);
    assert.deepEqual(deps(POLICY, "sandbox"), [laptop, urnOf(HOST, "sandbox")].toSorted());
    assert.deepEqual(
      deps(AGENT, "boxed"),
      [laptop, urnOf(HOST, "sandbox"), urnOf(POLICY, "sandbox")].toSorted(),
    );
    assert.deepEqual(deps(AGENT, "remote"), [laptop, urnOf(HOST, "box")].toSorted());
    assert.deepEqual(deps(AGENT, "here"), [laptop]);
  });

  test("a single resource as resourceOptions.dependsOn is kept too", async () => {
    const first = await recordRegistrations();
    const base = new fleet.Host("laptop", { fleet: "other", provider: "local" });
    await first.settled();
    recorder = await recordRegistrations();
    await fleet.declareFleet(file, { resourceOptions: { dependsOn: base } });
    await recorder.settled();
    const laptop = urnOf(HOST, "laptop");
    assert.deepEqual(recorder.get(AGENT, "here").dependencies, [laptop]);
    assert.deepEqual(
      recorder.get(POLICY, "sandbox").dependencies.toSorted(),
      [laptop, urnOf(HOST, "sandbox")].toSorted(),
    );
  });
});

describe("declareFleet(defineFleet value)", () => {
  test("declares the same graph, resolved the same way, relative paths against baseDir", async () => {
    await fleet.declareFleet(file);
    await recorder.settled();
    const fromFile = recorder.all();
    recorder = await recordRegistrations();
    const value = fleet.defineFleet(parse(FLEET_YAML) as FleetInput);
    const declared = await fleet.declareFleet(value, { baseDir: dir });
    await recorder.settled();
    assert.equal(declared.desired.source, join(dir, fleet.PROGRAM_SOURCE));
    const shape = (regs: Registration[]) =>
      regs
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, deps: r.dependencies }))
        .sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
    assert.deepEqual(shape(recorder.all()), shape(fromFile));
  });

  test("a fleet that breaks fleet's rules is refused with every problem, and nothing is declared", async () => {
    const value = parse(FLEET_YAML) as FleetInput & { agents: Record<string, object> };
    value.agents.lost = { template: "no-such-template" };
    value.agents.stray = { agent: "command", command: "true", host: "sandbx" };
    await assert.rejects(fleet.declareFleet(value, { baseDir: dir }), (error: unknown) => {
      assert.ok(isFleetError(error));
      assert.equal(error.code, "CONFIG_INVALID");
      assert.match(error.message, /agents\.lost\.template/);
      assert.match(error.message, /agents\.stray\.host: unknown host "sandbx"/);
      return true;
    });
    await recorder.settled();
    assert.deepEqual(recorder.all(), []);
  });

  test("the provider checks run too: an ssh host without an address is refused", async () => {
    const value = parse(FLEET_YAML) as FleetInput & { hosts: Record<string, object> };
    value.hosts.box = { provider: "ssh" };
    await assert.rejects(
      fleet.declareFleet(value, { baseDir: dir }),
      /hosts\.box\.address: an ssh host needs an address/,
    );
  });

  test("a missing fleet file is CONFIG_NOT_FOUND", async () => {
    await assert.rejects(fleet.declareFleet(join(dir, "nope.yaml")), { code: "CONFIG_NOT_FOUND" });
  });

  test("a directory means the fleet file in it", async () => {
    const declared = await fleet.declareFleet(dir);
    assert.equal(declared.desired.source, file);
  });
});
