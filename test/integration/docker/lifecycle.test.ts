/**
 * A docker host's lifecycle on a real engine: stopped with its filesystem kept
 * (its agents listed STOPPED meanwhile), started with the agents that were
 * running, and snapshotted into an image a new host starts from.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { createDockerProvider } from "../../../providers/docker/index.ts";
import type { ProviderContext } from "../../../src/core/contracts/provider.ts";
import { stopAgent } from "../../../src/core/host/index.ts";
import { RecordingIoHost } from "../../../src/core/io.ts";
import type { HostSpec } from "../../../src/core/model.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  listed,
  planned,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker lifecycle");
const test = testWith(skip);

describe("docker host lifecycle and snapshots", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;
  let ctx: ProviderContext;
  const provider = createDockerProvider();
  const host: HostSpec = { name: "lcy", provider: "docker", config: { image: baseImage } };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-lifecycle");
    ctx = { env: { home: f.sb.home, prefix: f.sb.prefix }, io: new RecordingIoHost() };
    file = await f.file(`version: 1
name: docklife
hosts:
  lcy: { provider: docker, image: ${baseImage} }
agents:
  p: { command: "sleep 3600", host: lcy }
  q: { command: "sleep 3600", host: lcy }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
    await f.fleet([
      "exec",
      "p",
      "--",
      "sh",
      "-c",
      "echo from-p > /root/note.txt && echo w > mine.txt",
    ]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("a stopped host keeps its files, and lists its agents STOPPED", async () => {
    await stopAgent({ provider, host, ctx }, "q", { reason: "test" });
    await provider.stopHost(host, ctx);
    const info = await f.client.inspectContainer(f.container("lcy"));
    assert.equal(info.State.Running, false);
    const agents = await listed(f);
    assert.equal(agents.get("p")?.state, "STOPPED");
    assert.equal(agents.get("q")?.state, "STOPPED");
    const plan = await planned(f, file);
    assert.equal(plan.get("hosts.lcy"), "start");
    assert.equal(plan.get("agents.p"), "noop");
  });

  test("starting the host brings back the agents that were running, not the stopped one", async () => {
    await provider.startHost(host, ctx);
    const agents = await listed(f);
    assert.equal(agents.get("p")?.state, "RUNNING");
    assert.equal(agents.get("q")?.state, "STOPPED");
    const note = await f.fleet(["exec", "p", "--", "cat", "/root/note.txt", "mine.txt"]);
    assert.equal(note.stdout, "from-p\nw\n");
  });

  test("a file written before fleet snapshot is there in an agent created from it", async () => {
    const snap = await f.fleet(["snapshot", "p", "--json"]);
    const { image, id } = (JSON.parse(snap.stdout) as { snapshot: { image: string; id: string } })
      .snapshot;
    f.images.push(image);
    assert.match(image, /^fleet-snapshot\/lcy:\d{8}T\d{6}Z$/);
    assert.match(id, /^sha256:/);
    assert.equal((await f.client.inspectImage(image))?.Id, id);
    const second = await f.file(
      `version: 1
name: docklife2
hosts:
  lcy2: { provider: docker, snapshot: "${image}" }
agents:
  r: { command: "sleep 3600", host: lcy2 }
`,
      "fleet-from-snapshot.yaml",
    );
    await f.fleet(["apply", "-f", second, "-y"]);
    const note = await f.fleet([
      "exec",
      "r",
      "--",
      "cat",
      "/root/note.txt",
      "/fleet/agents/p/work/mine.txt",
    ]);
    assert.equal(note.stdout, "from-p\nw\n");
    // The snapshot's own agents belong to its old host: they are not listed on the new one.
    const agents = await listed(f);
    assert.equal(agents.get("r")?.host, "lcy2");
    assert.equal(agents.get("p")?.host, "lcy");
  });

  test("fleet create --snapshot starts a new host from the image, with its files", async () => {
    const snap = await f.fleet(["snapshot", "p", "--json"]);
    const { image } = (JSON.parse(snap.stdout) as { snapshot: { image: string } }).snapshot;
    f.images.push(image);
    await f.fleet([
      "create",
      "again",
      "--snapshot",
      image,
      "--host",
      "lcyc",
      "--command",
      "sleep 3600",
      "--no-connect",
    ]);
    const note = await f.fleet(["exec", "again", "--", "cat", "/root/note.txt"]);
    assert.equal(note.stdout, "from-p\n");
    const agents = await listed(f);
    assert.equal(agents.get("again")?.host, "lcyc");
    assert.equal(agents.get("again")?.state, "RUNNING");
    const taken = await f.fleet(
      ["create", "twice", "--snapshot", image, "--host", "lcyc", "--no-connect"],
      2,
    );
    assert.match(taken.stderr, /already exists/);
  });

  test("a missing snapshot image is a clear error and creates nothing", async () => {
    const missing = await f.file(
      `version: 1
name: docklife3
hosts:
  lcy3: { provider: docker, snapshot: "fleet-snapshot/none:20000101T000000Z" }
`,
      "fleet-missing.yaml",
    );
    const result = await f.sb.fleet(["apply", "-f", missing, "-y"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout + result.stderr,
      /snapshot "fleet-snapshot\/none:20000101T000000Z" is not on this machine/,
    );
    const made = await f.client.listContainers({
      all: true,
      filters: { name: [`^/${f.container("lcy3")}$`] },
    });
    assert.deepEqual(made, []);
  });

  test("destroying the fleet while its host is stopped still saves the agents' work first", async () => {
    await provider.stopHost(host, ctx);
    const destroyed = await f.fleet(["destroy", "-f", file, "-y"]);
    assert.match(destroyed.stdout, /Saved work of agents\.p \(archive\)/);
    const left = await f.client.listContainers({
      all: true,
      filters: { name: [`^/${f.container("lcy")}$`] },
    });
    assert.deepEqual(left, []);
  });
});
