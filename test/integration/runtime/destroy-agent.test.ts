import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { createAgent, destroyAgent } from "../../../src/core/host/index.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

const execFileAsync = promisify(execFile);
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("destroyAgent", () => {
  let rt: Runtime;
  const git = async (cwd: string, ...args: string[]) =>
    (await execFileAsync("git", args, { cwd, env: rt.sb.env })).stdout;
  before(async () => {
    rt = await makeRuntime("destroy");
  });
  after(async () => {
    await rt.cleanup();
  });

  test("uncommitted and untracked work in a worktree stays on the branch in the source repo", async () => {
    const repo = await rt.sb.gitRepo("keep-repo", { "README.md": "original\n" });
    const live = await createAgent(
      rt.h,
      rt.spec("keeper", { workdir: { from: repo, branch: "fleet/keeper" } }),
      {
        fleet: null,
        secrets: {},
      },
    );
    const work = live.workdir!;
    await writeFile(join(work, "README.md"), "changed by the agent\n");
    await writeFile(join(work, "notes.txt"), "untracked work\n");

    const { saved } = await destroyAgent(rt.h, "keeper");

    assert.deepEqual(saved.map((s) => s.kind).sort(), ["branch", "bundle"]);
    assert.equal(await git(repo, "show", "fleet/keeper:README.md"), "changed by the agent\n");
    assert.equal(await git(repo, "show", "fleet/keeper:notes.txt"), "untracked work\n");
    assert.match(
      await git(repo, "log", "-1", "--format=%s %an", "fleet/keeper"),
      /^fleet: saved uncommitted work of keeper fleet/,
    );
    assert.equal(await exists(join(rt.sb.home, "agents", "keeper")), false);
    assert.doesNotMatch(await git(repo, "worktree", "list"), /keeper/);
    // The source checkout itself is untouched.
    assert.equal(await readFile(join(repo, "README.md"), "utf8"), "original\n");
    assert.equal(await exists(join(repo, "notes.txt")), false);
  });

  test("the saved bundle verifies and restores the branch elsewhere", async () => {
    const repo = await rt.sb.gitRepo("bundle-repo");
    const live = await createAgent(
      rt.h,
      rt.spec("bundled", { workdir: { from: repo, branch: "fleet/bundled" } }),
      {
        fleet: null,
        secrets: {},
      },
    );
    await writeFile(join(live.workdir!, "result.txt"), "the agent's result\n");

    const { saved } = await destroyAgent(rt.h, "bundled");

    const bundle = saved.find((s) => s.kind === "bundle");
    assert.ok(bundle, "no bundle saved");
    assert.ok(bundle.location.startsWith(join(rt.sb.home, "saved", "bundled-")));
    assert.ok(bundle.location.endsWith(".bundle"));
    const elsewhere = join(rt.sb.dir, "restore");
    await mkdir(elsewhere);
    await git(elsewhere, "init", "-q");
    await git(elsewhere, "bundle", "verify", bundle.location);
    await git(elsewhere, "fetch", "-q", bundle.location, "fleet/bundled:restored");
    assert.equal(await git(elsewhere, "show", "restored:result.txt"), "the agent's result\n");
  });

  test("a worktree with nothing new saves nothing and keeps the branch", async () => {
    const repo = await rt.sb.gitRepo("clean-repo");
    await createAgent(rt.h, rt.spec("clean", { workdir: { from: repo, branch: "fleet/clean" } }), {
      fleet: null,
      secrets: {},
    });
    const { saved } = await destroyAgent(rt.h, "clean");
    assert.deepEqual(saved, []);
    assert.match(await git(repo, "branch", "--list", "fleet/clean"), /fleet\/clean/);
  });

  test("a copied work dir is archived before it is removed", async () => {
    const source = join(rt.sb.dir, "plain");
    await mkdir(source);
    await writeFile(join(source, "input.txt"), "input\n");
    const live = await createAgent(
      rt.h,
      rt.spec("copied", { workdir: { from: source, branch: "fleet/copied" } }),
      {
        fleet: null,
        secrets: {},
      },
    );
    await writeFile(join(live.workdir!, "output.txt"), "made by the agent\n");

    const { saved } = await destroyAgent(rt.h, "copied");

    assert.equal(saved.length, 1);
    const archive = saved[0]!;
    assert.equal(archive.kind, "archive");
    assert.ok(archive.location.endsWith(".tar.gz"));
    const unpacked = join(rt.sb.dir, "unpacked");
    await mkdir(unpacked);
    await execFileAsync("tar", ["-xzf", archive.location, "-C", unpacked]);
    assert.equal(await readFile(join(unpacked, "output.txt"), "utf8"), "made by the agent\n");
    assert.equal(await readFile(join(unpacked, "input.txt"), "utf8"), "input\n");
    assert.equal(await exists(join(rt.sb.home, "agents", "copied")), false);
  });

  test("destroy ends the agent's session", async () => {
    await createAgent(rt.h, rt.spec("ended"), { fleet: null, secrets: {} });
    await destroyAgent(rt.h, "ended");
    assert.equal(await rt.hasSession("ended"), false);
    assert.equal(await rt.live("ended"), undefined);
  });

  test("a destroyed agent can be created again on the kept branch", async () => {
    const repo = await rt.sb.gitRepo("again-repo");
    const spec = rt.spec("again", { workdir: { from: repo, branch: "fleet/again" } });
    const first = await createAgent(rt.h, spec, { fleet: null, secrets: {} });
    await writeFile(join(first.workdir!, "kept.txt"), "kept\n");
    await destroyAgent(rt.h, "again");
    const second = await createAgent(rt.h, spec, { fleet: null, secrets: {} });
    assert.equal(await readFile(join(second.workdir!, "kept.txt"), "utf8"), "kept\n");
  });

  test("destroying an unknown agent fails with AGENT_NOT_FOUND", async () => {
    await rm(join(rt.sb.home, "agents", "ghost"), { recursive: true, force: true });
    await assert.rejects(destroyAgent(rt.h, "ghost"), { code: "AGENT_NOT_FOUND" });
  });
});
