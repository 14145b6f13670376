/**
 * `fleet gc` and docker hosts: a stopped container that `fleet create --snapshot`
 * made, whose agents are gone, is removed and forgotten; a stopped one that still
 * holds a stopped agent, and a fleet file's host, are left alone. Images fleet
 * committed: an intermediate one nobody uses goes, a snapshot only with
 * --snapshots-older-than, one a container uses or another controller made stays.
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

  test("an unused snapshot is kept unless --snapshots-older-than says so; a used one always", async () => {
    const used = f.images[0] ?? "";
    const snap = await f.fleet(["snapshot", "p", "--json"]);
    const { image: spare } = (JSON.parse(snap.stdout) as { snapshot: { image: string } }).snapshot;
    f.images.push(spare);
    const images = (doc: GcDoc) =>
      doc.items
        .filter((i) => i.kind === "snapshot-image")
        .map((i) => [i.target, i.action, i.status])
        .sort();
    const dry = JSON.parse((await f.fleet(["gc", "--dry-run", "--json"])).stdout) as GcDoc;
    assert.deepEqual(images(dry), [
      [used, "keep", "kept"],
      [spare, "keep", "kept"],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const bad = await f.sb.fleet(["gc", "--snapshots-older-than", "soon", "-y"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /invalid duration "soon" for --snapshots-older-than/);
    const done = JSON.parse(
      (await f.fleet(["gc", "--snapshots-older-than", "1s", "-y", "--json"])).stdout,
    ) as GcDoc;
    assert.deepEqual(images(done), [
      [used, "keep", "kept"],
      [spare, "delete", "deleted"],
    ]);
    assert.equal(await f.client.inspectImage(spare), null);
    assert.notEqual(await f.client.inspectImage(used), null, "gkeep's container still uses it");
  });

  test("an agent dir left on the host with no record goes, unless its work dir holds work", async () => {
    const repo = await f.sb.gitRepo("orphans");
    for (const name of ["lost", "dirty"]) {
      await f.fleet([
        "create",
        name,
        "--host",
        "gsrc",
        "--workdir",
        repo,
        "--command",
        "sleep 3600",
        "--no-connect",
      ]);
    }
    await f.fleet(["exec", "dirty", "--", "sh", "-c", "echo draft > notes.txt"]);
    // Their records go and their sessions end, as if a create had died half-way.
    const container = f.container("gsrc");
    const gone = await f.client.exec(container, [
      "sh",
      "-c",
      `rm /fleet/agents/lost/agent.json /fleet/agents/dirty/agent.json && tmux kill-session -t =${f.sb.prefix}lost && tmux kill-session -t =${f.sb.prefix}dirty`,
    ]);
    assert.equal(gone.code, 0, gone.stderr);
    const orphans = (doc: GcDoc) =>
      doc.items
        .filter((i) => i.kind === "worktree" && i.target.startsWith("gsrc:"))
        .map((i) => [i.target, i.action, i.status])
        .sort();
    const dry = JSON.parse((await f.fleet(["gc", "--dry-run", "--json"])).stdout) as GcDoc;
    assert.deepEqual(orphans(dry), [
      ["gsrc: agents/dirty", "keep", "kept"],
      ["gsrc: agents/lost", "delete", "planned"],
    ]);
    const done = JSON.parse((await f.fleet(["gc", "-y", "--json"])).stdout) as GcDoc;
    assert.deepEqual(orphans(done), [
      ["gsrc: agents/dirty", "keep", "kept"],
      ["gsrc: agents/lost", "delete", "deleted"],
    ]);
    const left = await f.client.exec(container, [
      "sh",
      "-c",
      "ls /fleet/agents; cat /fleet/agents/dirty/work/notes.txt; git -C /fleet/agents/dirty/work worktree list | wc -l",
    ]);
    assert.equal(left.code, 0, left.stderr);
    const [agentsListed, notes, trees] = [
      left.stdout.split("\n").filter((l) => l !== "" && !l.includes(" ") && !/^\d+$/.test(l)),
      left.stdout.includes("draft"),
      left.stdout.trim().split("\n").at(-1),
    ];
    assert.ok(!agentsListed.includes("lost"), left.stdout);
    assert.ok(agentsListed.includes("dirty"), left.stdout);
    assert.ok(notes, "the uncommitted file is still there");
    // The cache repo no longer lists the removed worktree: dirty's own, and the bare repo.
    assert.equal(trees, "2", left.stdout);
  });

  test("an intermediate image nobody uses goes; another controller's is not looked at", async () => {
    const source = f.container("gsrc");
    const commit = (tag: string, controller: string) =>
      f.client.commitContainer(source, "fleet-snapshot/gsrc", tag, {
        changes: [
          `LABEL dev.fleet.intermediate-of=gsrc dev.fleet.controller=${JSON.stringify(controller)}`,
        ],
      });
    await commit("left-network", f.sb.prefix);
    await commit("other-network", `other-${f.sb.prefix}`);
    f.images.push("fleet-snapshot/gsrc:left-network", "fleet-snapshot/gsrc:other-network");
    const doc = JSON.parse((await f.fleet(["gc", "-y", "--json"])).stdout) as GcDoc;
    const intermediate = doc.items.filter(
      (i) => i.kind === "snapshot-image" && i.target.includes("-network"),
    );
    assert.deepEqual(
      intermediate.map((i) => [i.target, i.action, i.status]),
      [["fleet-snapshot/gsrc:left-network", "delete", "deleted"]],
    );
    assert.equal(await f.client.inspectImage("fleet-snapshot/gsrc:left-network"), null);
    assert.notEqual(await f.client.inspectImage("fleet-snapshot/gsrc:other-network"), null);
  });
});
