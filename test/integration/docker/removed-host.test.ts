/**
 * A docker host removed from the fleet file is still the fleet's: plan finds it
 * (this controller remembers the hosts it made) and deletes it with its agents,
 * saving their work first.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  planned,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker removed host");
const test = testWith(skip);

describe("a docker host removed from the file", { timeout: 180_000 }, () => {
  let f: DockerFixture;
  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-removed");
  });
  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("is planned for deletion with its agents, and apply removes its container", async () => {
    const both = await f.file(`version: 1
name: shrink
hosts:
  keep: { provider: docker, image: ${baseImage} }
  gone: { provider: docker, image: ${baseImage} }
agents:
  k: { command: "sleep 3600", host: keep }
  g: { command: "sleep 3600", host: gone }
`);
    await f.fleet(["apply", "-f", both, "-y"]);
    const one = await f.file(`version: 1
name: shrink
hosts:
  keep: { provider: docker, image: ${baseImage} }
agents:
  k: { command: "sleep 3600", host: keep }
`);
    const plan = await planned(f, one);
    assert.equal(plan.get("hosts.gone"), "delete");
    assert.equal(plan.get("agents.g"), "delete");
    assert.equal(plan.get("hosts.keep"), "noop");
    await f.fleet(["apply", "-f", one, "-y"]);
    const names = (await f.client.listContainers({ all: true })).flatMap((c) => c.Names);
    assert.ok(names.includes(`/${f.container("keep")}`), names.join(", "));
    assert.ok(!names.includes(`/${f.container("gone")}`), names.join(", "));
  });
});
