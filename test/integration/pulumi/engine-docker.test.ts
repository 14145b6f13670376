/**
 * `fleet apply --engine pulumi` with a docker host on a real engine beside a
 * local agent: the container is a fleet:index:Host, its egress rules a
 * fleet:index:NetworkPolicy, and a container removed by hand is drift that
 * refresh finds and apply repairs.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  listed,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";
import { exportStack, pulumiSkip } from "./pulumi-env.ts";

const skip = (await dockerSkip("pulumi engine (docker)")) || pulumiSkip("pulumi engine (docker)");
const test = testWith(skip);

interface PlanJson {
  changes: { address: string; action: string }[];
}

describe("the Pulumi engine with a docker host", { timeout: 600_000 }, () => {
  let f: DockerFixture;
  let file: string;
  const planActions = async (): Promise<Record<string, string>> => {
    const result = await f.fleet(["plan", "--engine", "pulumi", "-f", file, "--format", "json"]);
    const plan = JSON.parse(result.stdout) as PlanJson;
    return Object.fromEntries(
      plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action]),
    );
  };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("pulumi-docker");
    file = await f.file(`version: 1
name: pdock
hosts:
  box: { provider: docker, image: ${baseImage}, network: { egress: offline } }
agents:
  inside: { agent: command, command: "sleep 3600", host: box }
  beside: { agent: command, command: "sleep 3600" }
`);
  });
  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("apply makes the container, its egress rules and both agents", async () => {
    const applied = await f.fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.match(applied.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    const agents = await listed(f);
    assert.deepEqual(agents.get("inside"), { host: "box", state: "RUNNING" });
    assert.deepEqual(agents.get("beside"), { host: "local", state: "RUNNING" });
    const info = await f.client.inspectContainer(f.container("box"));
    assert.equal(info.State.Running, true);
    // Offline: the container has loopback only.
    const links = await f.fleet(["exec", "inside", "--", "ip", "-o", "link"]);
    const names = links.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(":")[1]?.trim());
    assert.deepEqual(names, ["lo"]);
    const { resources } = await exportStack(f.sb, "pdock");
    assert.deepEqual(resources.map((r) => `${r.type} ${r.id ?? ""}`).sort(), [
      "fleet:index:Agent box/inside",
      "fleet:index:Agent local/beside",
      "fleet:index:Host box",
      "fleet:index:NetworkPolicy box",
    ]);
  });

  test("a second apply changes nothing", async () => {
    const again = await f.fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.match(again.stdout, /No changes\. Your fleet matches the configuration\./);
  });

  test("a container removed by hand shows in plan, and apply makes it again", async () => {
    await f.client.removeContainer(f.container("box"), { force: true });
    const actions = await planActions();
    assert.equal(actions["hosts.box"], "create");
    assert.equal(actions["agents.inside"], "create");
    assert.equal(actions["agents.beside"], undefined);
    await f.fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    const agents = await listed(f);
    assert.deepEqual(agents.get("inside"), { host: "box", state: "RUNNING" });
    assert.deepEqual(await planActions(), {});
  });

  test("destroy removes the container and empties the stack", async () => {
    const destroyed = await f.fleet(["destroy", "--engine", "pulumi", "-f", file, "-y"]);
    assert.match(destroyed.stdout, /Destroy complete!/);
    const left = await f.client.listContainers({
      all: true,
      filters: { name: [`^/${f.container("box")}$`] },
    });
    assert.equal(left.length, 0);
    assert.deepEqual((await exportStack(f.sb, "pdock")).resources, []);
    assert.equal((await listed(f)).size, 0);
  });
});
