/**
 * FLEET_HOME's host cache is only a cache: with it deleted, docker hosts are found
 * again by their containers' labels, so `fleet list`, `exec` and `message` still
 * reach their agents, and nothing is planned as missing.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";

const skip = await dockerSkip("docker hosts found by their labels");
const test = testWith(skip);

interface ListJson {
  agents: { name: string; host: string; state: string }[];
}

describe("losing FLEET_HOME's caches hides no docker agent", { timeout: 200_000 }, () => {
  let f: DockerFixture;
  let file: string;
  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("lost-caches");
    file = await f.file(`version: 1
name: cached
hosts:
  lbox: { provider: docker, image: ${baseImage} }
agents:
  far: { command: "cat", host: lbox }
`);
    await f.fleet(["apply", "-f", file, "-y"], 0);
  });
  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("list, exec and message find the agent with FLEET_HOME/hosts and the caches gone", async () => {
    for (const cache of ["hosts", "agent-hosts.json", "cache"])
      await rm(join(f.sb.home, cache), { recursive: true, force: true });
    const listed = await f.sb.fleet(["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const agents = (JSON.parse(listed.stdout) as ListJson).agents;
    assert.deepEqual(
      agents.map((a) => `${a.name}@${a.host}:${a.state}`),
      ["far@lbox:RUNNING"],
    );
    await rm(join(f.sb.home, "hosts"), { recursive: true, force: true });
    const ran = await f.sb.fleet(["exec", "far", "--", "sh", "-c", "echo inside $FLEET_AGENT"]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /inside far/);
    await rm(join(f.sb.home, "hosts"), { recursive: true, force: true });
    const sent = await f.sb.fleet(["message", "far", "still here"]);
    assert.equal(sent.code, 0, sent.stderr);
  });

  test("a plan of the file after the caches are gone has no changes", async () => {
    await rm(join(f.sb.home, "hosts"), { recursive: true, force: true });
    const plan = await f.sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  });
});
