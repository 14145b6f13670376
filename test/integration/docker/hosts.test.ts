/**
 * Docker hosts on a real engine: a fleet of 3 agents on 2 hosts applies into
 * labelled, locked-down containers; the agents are listed and reachable; a host
 * removed by hand or given another image is planned for what it needs.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  listed,
  planned,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker hosts");
const test = testWith(skip);

describe("docker hosts", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;
  const fleetYaml = (image: string) => `version: 1
name: dockhosts
hosts:
  hw1: { provider: docker, image: "${image}", resources: { cpus: 1.5, memory: 256m, pids: 300 } }
  hw2: { provider: docker, image: "${image}" }
agents:
  a: { command: "sleep 3600", host: hw1 }
  b: { command: "sleep 3600", host: hw1 }
  c: { command: "sleep 3600", host: hw2 }
`;

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-hosts");
    file = await f.file(fleetYaml(baseImage));
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("the two hosts are containers carrying fleet's labels", async () => {
    const containers = await f.client.listContainers({
      filters: { name: [`^/${f.sb.prefix}`] },
    });
    const byName = new Map(containers.map((c) => [c.Names[0]?.slice(1), c]));
    assert.deepEqual([...byName.keys()].sort(), [f.container("hw1"), f.container("hw2")]);
    for (const host of ["hw1", "hw2"]) {
      const labels = byName.get(f.container(host))?.Labels ?? {};
      assert.equal(labels["dev.fleet.fleet"], "dockhosts");
      assert.equal(labels["dev.fleet.host"], host);
      assert.match(labels["dev.fleet.spec-hash"] ?? "", /^[0-9a-f]{16}$/);
      assert.equal((JSON.parse(labels["dev.fleet.spec"] ?? "{}") as { name: string }).name, host);
    }
  });

  test("fleet list shows the three agents RUNNING on their hosts", async () => {
    const agents = await listed(f);
    assert.deepEqual(Object.fromEntries(agents), {
      a: { host: "hw1", state: "RUNNING" },
      b: { host: "hw1", state: "RUNNING" },
      c: { host: "hw2", state: "RUNNING" },
    });
  });

  test("fleet exec runs inside the agent's container", async () => {
    const inspect = await f.client.inspectContainer(f.container("hw1"));
    const result = await f.fleet(["exec", "a", "--", "hostname"]);
    assert.equal(result.stdout.trim(), inspect.Config.Hostname);
    const cwd = await f.fleet(["exec", "c", "--", "pwd"]);
    assert.equal(cwd.stdout.trim(), "/fleet/agents/c/work");
  });

  test("the container has the limits, no privileges, no capabilities and no published port", async () => {
    const info = await f.client.inspectContainer(f.container("hw1"));
    const host = info.HostConfig;
    assert.equal(host.NanoCpus, 1_500_000_000);
    assert.equal(host.Memory, 256 * 1024 * 1024);
    assert.equal(host.PidsLimit, 300);
    assert.equal(host.Privileged, false);
    assert.equal(host.Init, true);
    assert.ok(
      host.SecurityOpt?.some((o) => o.startsWith("no-new-privileges")),
      String(host.SecurityOpt),
    );
    assert.deepEqual(host.CapDrop, ["ALL"]);
    assert.deepEqual(host.CapAdd ?? [], []);
    const bindings = Object.values(info.NetworkSettings.Ports ?? {}).flatMap((b) => b ?? []);
    for (const binding of bindings) assert.equal(binding.HostIp, "127.0.0.1");
    const caps = await f.fleet(["exec", "a", "--", "grep", "CapEff", "/proc/self/status"]);
    assert.match(caps.stdout, /CapEff:\s+0+\n/);
  });

  test("a second apply changes nothing", async () => {
    const result = await f.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.match(result.stdout, /No changes/);
  });

  test("changing the image plans a replace of the host and its agents, and applies", async () => {
    const image = await f.client.inspectImage(baseImage);
    assert.ok(image);
    const changed = await f.file(fleetYaml(image.Id), "fleet-new-image.yaml");
    const plan = await planned(f, changed);
    assert.equal(plan.get("hosts.hw1"), "replace");
    assert.equal(plan.get("hosts.hw2"), "replace");
    assert.equal(plan.get("agents.a"), "replace");
    const before = await f.client.inspectContainer(f.container("hw1"));
    await f.fleet(["apply", "-f", changed, "-y"]);
    const after = await f.client.inspectContainer(f.container("hw1"));
    assert.notEqual(after.Id, before.Id);
    assert.equal(after.Config.Image, image.Id);
    assert.equal((await listed(f)).get("b")?.state, "RUNNING");
    file = changed;
  });

  test("a container removed by hand is planned to be created again, with its agents", async () => {
    await f.client.removeContainer(f.container("hw2"), { force: true });
    const plan = await planned(f, file);
    assert.equal(plan.get("hosts.hw2"), "create");
    assert.equal(plan.get("agents.c"), "create");
    assert.equal(plan.get("hosts.hw1"), "noop");
    assert.equal(plan.get("agents.a"), "noop");
  });
});
