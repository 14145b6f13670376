/**
 * `fleet gc` and docker hosts: a stopped container that `fleet create --snapshot`
 * made, whose agents are gone, is removed and forgotten; a stopped one that still
 * holds a stopped agent, and a fleet file's host, are left alone.
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

const skip = await dockerSkip("fleet gc on docker");
const test = testWith(skip);

interface GcDoc {
  items: { kind: string; target: string; action: string; status: string }[];
}

describe("fleet gc on docker hosts", { timeout: 300_000 }, () => {
  let f: DockerFixture;
  const exists = async (host: string): Promise<string | undefined> => {
    const found = await f.client.listContainers({
      all: true,
      filters: { name: [`^/${f.container(host)}$`] },
    });
    return found[0]?.State;
  };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("gc-docker");
    const file = await f.file(`version: 1
name: gcdock
hosts:
  gsrc: { provider: docker, image: ${baseImage} }
agents:
  p: { command: "sleep 3600", host: gsrc, idle: disabled }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
    const snap = await f.fleet(["snapshot", "p", "--json"]);
    const { image } = (JSON.parse(snap.stdout) as { snapshot: { image: string } }).snapshot;
    f.images.push(image);
    for (const [agent, host] of [
      ["lone", "gspare"],
      ["parked", "gkeep"],
    ]) {
      await f.fleet([
        "create",
        agent ?? "",
        "--snapshot",
        image,
        "--host",
        host ?? "",
        "--command",
        "sleep 3600",
        "--no-connect",
      ]);
    }
    // gspare: its agent's dir is gone (removed inside the container), then the container stopped.
    await f.fleet(["exec", "lone", "--", "sh", "-c", "rm -rf /fleet/agents/lone"]);
    await f.client.stopContainer(f.container("gspare"), 2);
    // gkeep: stopped with its agent stopped in it (its work dir is there).
    await f.fleet(["stop", "parked"]);
    await f.client.stopContainer(f.container("gkeep"), 2);
  });
  after(async () => {
    if (skip === false) await f.cleanup();
  });

  test("--dry-run lists the empty stopped container only, and removes nothing", async () => {
    const doc = JSON.parse((await f.fleet(["gc", "--dry-run", "--json"])).stdout) as GcDoc;
    const containers = doc.items.filter((i) => i.kind === "container");
    assert.deepEqual(
      containers.map((i) => [i.target, i.action, i.status]),
      [["gspare (docker)", "delete", "planned"]],
    );
    assert.equal(await exists("gspare"), "exited");
  });

  test("gc -y removes it and forgets the host; the others stay as they were", async () => {
    const doc = JSON.parse((await f.fleet(["gc", "-y", "--json"])).stdout) as GcDoc;
    const spare = doc.items.find((i) => i.kind === "container");
    assert.equal(spare?.status, "deleted");
    assert.equal(await exists("gspare"), undefined);
    assert.equal(await exists("gkeep"), "exited");
    assert.equal(await exists("gsrc"), "running");
    const hosts = JSON.parse((await f.fleet(["host", "ls", "--json"])).stdout) as {
      hosts: { name: string }[];
    };
    assert.ok(!hosts.hosts.some((h) => h.name === "gspare"));
    const agents = await listed(f);
    assert.equal(agents.get("parked")?.state, "STOPPED");
    assert.equal(agents.get("p")?.state, "RUNNING");
    // Its work comes back: the stopped host starts again with its agent.
    await f.fleet(["start", "parked"]);
    assert.equal((await listed(f)).get("parked")?.state, "RUNNING");
  });
});
