/**
 * `fleet gc` on this machine: worktrees of agents that are gone, `fleet/*`
 * branches no agent uses, saved work past its age, cached locations and dead
 * ControlMaster sockets; and never anything that holds work found nowhere else.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);

interface GcDoc {
  dryRun: boolean;
  items: { kind: string; target: string; action: string; reason: string; status: string }[];
}

describe("fleet gc on this machine", { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let repo: string;
  let live: Server;
  const git = async (...args: string[]): Promise<string> =>
    (await execFileAsync("git", args, { cwd: repo, env: sb.env })).stdout;
  const ok = async (args: string[], cwd?: string): Promise<RunResult> => {
    const result = await sb.fleet(args, cwd === undefined ? {} : { cwd });
    assert.equal(result.code, 0, `fleet ${args.join(" ")}: ${result.stdout}${result.stderr}`);
    return result;
  };
  const gc = async (...args: string[]): Promise<GcDoc> =>
    JSON.parse((await ok(["gc", "--json", ...args], repo)).stdout) as GcDoc;
  const agentDir = (name: string) => join(sb.home, "agents", name);
  const work = (name: string) => join(agentDir(name), "work");
  /** The agent's record and session gone, its work dir left behind (a lost FLEET_HOME record). */
  const orphan = async (name: string) => {
    await sb.tmux(["kill-session", "-t", `=${sb.prefix}${name}`]);
    await rm(join(agentDir(name), "agent.json"));
  };
  const item = (doc: GcDoc, kind: string, end: string) =>
    doc.items.find((i) => i.kind === kind && i.target.endsWith(end));
  const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
  const saved = (name: string) => join(sb.home, "saved", name);
  const cm = (name: string) => join(sb.home, "ssh", "cm", name);

  before(async () => {
    sb = await makeSandbox("gc-local");
    repo = await sb.gitRepo("proj");
    const create = (name: string) =>
      ok(["create", name, "--command", "sleep 3600", "--workdir", repo, "--no-connect"]);
    for (const name of ["keepme", "clean", "dirty", "done1"]) await create(name);
    // dirty: an orphan with uncommitted work; clean: an orphan with none.
    await ok(["exec", "dirty", "--", "sh", "-c", "echo draft > draft.txt"]);
    await orphan("dirty");
    await orphan("clean");
    // done1: destroyed after a commit; destroy keeps its branch, the commit on no other.
    await ok([
      "exec",
      "done1",
      "--",
      "sh",
      "-c",
      "echo v2 > v2.txt && git add v2.txt && git -c user.name=a -c user.email=a@fleet.invalid commit -qm 'agent work'",
    ]);
    await ok(["destroy", "done1", "-y"]);
    // fleet/merged: no agent, every commit on main. feature: the user's own.
    await git("branch", "fleet/merged", "main");
    await git("branch", "feature", "main");

    // Saved work: a bundle of commits the repo has, one of commits it lacks, a tar.
    await mkdir(join(sb.home, "saved"), { recursive: true });
    await git("bundle", "create", saved("have.bundle"), "main");
    const elsewhere = await sb.gitRepo("elsewhere", { "other.txt": "other\n" });
    await execFileAsync("git", ["bundle", "create", saved("lost.bundle"), "main"], {
      cwd: elsewhere,
      env: sb.env,
    });
    await writeFile(saved("plain.tar"), "not really a tar, but the only copy\n");
    await git("bundle", "create", saved("fresh.bundle"), "main");
    for (const name of ["have.bundle", "lost.bundle", "plain.tar"]) {
      await utimes(saved(name), old, old);
    }

    // ControlMaster sockets: one nobody listens on, one a process serves.
    await mkdir(join(sb.home, "ssh", "cm"), { recursive: true, mode: 0o700 });
    await execFileAsync("python3", [
      "-c",
      "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
      cm("dead"),
    ]);
    live = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => live.listen(cm("alive"), resolve));
  });
  after(async () => {
    await new Promise((resolve) => live.close(resolve));
    await sb.cleanup();
  });

  test("without -y and without a terminal it refuses, deleting nothing", async () => {
    const result = await sb.fleet(["gc"], { cwd: repo });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /-y/);
    assert.equal((await sb.fleet(["gc", "--saved-older-than", "soon", "-y"])).code, 2);
    assert.equal((await sb.fleet(["gc", "--repo", sb.home, "-y"])).code, 2);
    assert.ok(existsSync(work("clean")));
  });

  test("--dry-run lists what goes and what stays, and changes nothing", async () => {
    const branchesBefore = await git("branch", "--list");
    const doc = await gc("--dry-run");
    assert.equal(doc.dryRun, true);
    assert.equal(item(doc, "worktree", "/clean/work")?.status, "planned");
    const dirty = item(doc, "worktree", "/dirty/work");
    assert.equal(dirty?.action, "keep");
    assert.match(dirty.reason, /uncommitted/);
    assert.equal(item(doc, "worktree", "/keepme/work"), undefined, "a live agent's work dir");
    assert.equal(item(doc, "branch", ": fleet/merged")?.status, "planned");
    const done1 = item(doc, "branch", ": fleet/done1");
    assert.equal(done1?.action, "keep");
    assert.match(done1.reason, /1 commit on no other branch/);
    assert.equal(item(doc, "branch", ": feature"), undefined, "the user's own branch");
    assert.equal(item(doc, "branch", ": fleet/keepme"), undefined);
    assert.equal(item(doc, "saved-work", "have.bundle")?.status, "planned");
    assert.equal(item(doc, "saved-work", "lost.bundle")?.action, "keep");
    assert.equal(item(doc, "saved-work", "plain.tar")?.action, "keep");
    assert.equal(item(doc, "saved-work", "fresh.bundle"), undefined);
    assert.equal(item(doc, "ssh-socket", "/dead")?.status, "planned");
    assert.equal(item(doc, "ssh-socket", "/alive"), undefined);
    assert.ok(doc.items.some((i) => i.kind === "location-cache" && i.target === "done1@local"));
    assert.equal(await git("branch", "--list"), branchesBefore);
    assert.ok(
      existsSync(work("clean")) && existsSync(saved("have.bundle")) && existsSync(cm("dead")),
    );

    const text = await ok(["gc", "--dry-run"], repo);
    assert.match(text.stdout, /^Would delete \d+:\n/);
    assert.match(
      text.stdout,
      /= worktree {2}\S+\/dirty\/work {2}\(agent dirty is gone, but it holds uncommitted changes\)/,
    );
    assert.match(text.stdout, /Dry run: nothing was deleted\.\n$/);
  });

  test("gc -y deletes only what holds no work found nowhere else", async () => {
    const doc = await gc("-y");
    const statuses = Object.fromEntries(
      doc.items.map((i) => [`${i.kind} ${i.target.split("/").slice(-2).join("/")}`, i.status]),
    );
    assert.equal(item(doc, "worktree", "/clean/work")?.status, "deleted", JSON.stringify(statuses));
    assert.ok(!existsSync(work("clean")));
    assert.doesNotMatch(await git("worktree", "list"), /\/clean\/work/);
    // The orphan with uncommitted work is where it was, with its work.
    assert.equal(await readFile(join(work("dirty"), "draft.txt"), "utf8"), "draft\n");
    // The destroyed agent's branch with its own commit stays; the merged one goes.
    assert.equal((await git("log", "-1", "--format=%s", "fleet/done1")).trim(), "agent work");
    assert.doesNotMatch(await git("branch", "--list"), /fleet\/merged/);
    assert.match(await git("branch", "--list"), /feature/);
    assert.ok(!existsSync(saved("have.bundle")));
    for (const kept of ["lost.bundle", "plain.tar", "fresh.bundle"])
      assert.ok(existsSync(saved(kept)));
    assert.ok(!existsSync(cm("dead")) && existsSync(cm("alive")));
    const cache = await readFile(join(sb.home, "cache", "agent-hosts.json"), "utf8");
    assert.doesNotMatch(cache, /done1/);
    // The live agent and its work dir are untouched.
    const list = JSON.parse((await ok(["list", "--json"])).stdout) as {
      agents: { name: string; state: string }[];
    };
    assert.deepEqual(
      list.agents.map((a) => `${a.name}:${a.state}`),
      ["keepme:RUNNING"],
    );
    assert.ok(existsSync(work("keepme")));

    const again = await gc("--dry-run");
    assert.deepEqual(
      again.items.filter((i) => i.action === "delete").map((i) => i.target),
      [],
      "a second gc finds nothing more to delete",
    );
  });
});
