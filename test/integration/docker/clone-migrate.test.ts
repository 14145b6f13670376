/**
 * `fleet clone` and `fleet migrate` between this machine and a docker host: the
 * copy's work dir is the source's byte for byte wherever each runs, and migrate
 * removes the original only once the copy runs, its work saved; rename moves an
 * agent's dir, worktree and branch inside the container.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import {
  BINARY_BYTES,
  FINGERPRINT_SCRIPT,
  ODD_REPO_FILES,
  ODD_STATUS_ENTRIES,
  ODD_WORK_SCRIPT,
  parseFingerprint,
  statusEntries,
} from "../../helpers/odd-work.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("docker clone and migrate");
const test = testWith(skip);
const AS_AGENT = "git -c user.name=agent -c user.email=agent@fleet.invalid";

describe("clone, migrate and rename with a docker host", { timeout: 300_000 }, () => {
  let f: DockerFixture;
  let repo: string;
  const fingerprint = async (agent: string) =>
    parseFingerprint(await f.fleet(["exec", agent, "--", "sh", "-c", FINGERPRINT_SCRIPT]));
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: repo, env: f.sb.env })).stdout.trim();
  const where = async () =>
    (
      JSON.parse((await f.fleet(["list", "--json"])).stdout) as {
        agents: { name: string; host: string; state: string }[];
      }
    ).agents
      .map((a) => `${a.name}@${a.host}:${a.state}`)
      .sort();
  const oddAgent = async (name: string, host: string) => {
    await f.fleet([
      "create",
      name,
      "--host",
      host,
      "--workdir",
      repo,
      "--command",
      "sleep 3600",
      "--no-connect",
    ]);
    await f.fleet([
      "exec",
      name,
      "--",
      "sh",
      "-c",
      `printf 'by ${name}\\n' > agent.txt && git add agent.txt && ${AS_AGENT} commit -qm 'agent: ${name}' && ${ODD_WORK_SCRIPT}`,
    ]);
    const print = await fingerprint(name);
    assert.deepEqual(statusEntries(print), [...ODD_STATUS_ENTRIES].sort());
    return print;
  };

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-clone");
    repo = await f.sb.gitRepo("proj", ODD_REPO_FILES);
    await execFileAsync("chmod", ["-x", join(repo, "tool.sh")]);
    // The host is made (and then known) by a fleet file; the agents here are made with create.
    const file = await f.file(`version: 1
name: dockclone
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  keeper: { command: "sleep 3600", host: box }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("a local agent cloned to the docker host has the same work, byte for byte", async () => {
    const source = await oddAgent("here", "local");
    const cloned = await f.fleet(["clone", "here", "there", "--host", "box", "--json"]);
    const result = JSON.parse(cloned.stdout) as { cloned: { host: string; branch: string } };
    assert.deepEqual([result.cloned.host, result.cloned.branch], ["box", "fleet/there"]);
    assert.deepEqual(await fingerprint("there"), source);
    const bytes = await f.fleet(["exec", "there", "--", "od", "-An", "-to1", "bin ary.dat"]);
    assert.equal(bytes.stdout.trim().split(/\s+/).join(" "), BINARY_BYTES);
    assert.deepEqual(await fingerprint("here"), source);
  });

  test("a docker agent cloned on its host, and to this machine, has the same work", async () => {
    const source = await oddAgent("boxed", "box");
    await f.fleet(["clone", "boxed", "boxed-2"]);
    assert.deepEqual(await fingerprint("boxed-2"), source);
    await f.fleet(["clone", "boxed", "boxed-home", "--host", "local"]);
    assert.deepEqual(await fingerprint("boxed-home"), source);
    // Its commit came through this machine's repo, onto the clone's new branch only.
    assert.equal(await git("log", "-1", "--format=%s", "fleet/boxed-home"), "agent: boxed");
    assert.equal(await git("rev-parse", "-q", "--verify", "fleet/boxed").catch(() => ""), "");
  });

  test("migrate moves a local agent to the docker host with its work; the original is gone, its work saved", async () => {
    const source = await oddAgent("mover", "local");
    const moved = await f.fleet(["migrate", "mover", "--to", "box", "--json"]);
    const result = JSON.parse(moved.stdout) as {
      migrated: { from: string; to: string; branch: string; saved: { location: string }[] };
    };
    assert.deepEqual(
      [result.migrated.from, result.migrated.to, result.migrated.branch],
      ["local", "box", "fleet/mover"],
    );
    assert.deepEqual(await fingerprint("mover"), source);
    const listed = await where();
    assert.ok(listed.includes("mover@box:RUNNING"), listed.join(", "));
    assert.ok(!listed.some((a) => a.startsWith("mover@local")), listed.join(", "));
    const sessions = await f.sb.tmux(["list-sessions", "-F", "#{session_name}"]);
    assert.ok(!sessions.stdout.includes(`${f.sb.prefix}mover\n`));
    // The branch here is where the copy started: not moved by a save commit.
    assert.equal(await git("rev-parse", "fleet/mover"), source.head);
    const saved = await readdir(join(f.sb.home, "saved"));
    const bundle = saved.find((name) => name.startsWith("mover-") && name.endsWith(".bundle"));
    assert.ok(bundle, `no saved bundle in ${saved.join(", ")}`);
    await git("fetch", "-q", join(f.sb.home, "saved", bundle), "refs/fleet/migrated/mover");
    assert.equal(await git("show", "FETCH_HEAD:new-staged.txt"), "only staged");
  });

  test("migrate brings a docker agent back to this machine with its work and commits", async () => {
    const source = await fingerprint("mover");
    await f.fleet(["exec", "mover", "--", "sh", "-c", "printf 'later\\n' >> a.txt"]);
    const later = await fingerprint("mover");
    assert.notDeepEqual(later, source);
    const moved = await f.fleet(["migrate", "mover", "--to", "local"]);
    assert.match(moved.stdout, /Moved mover from box to local on branch fleet\/mover/);
    assert.match(moved.stdout, /Saved work of the original: git bundle/);
    assert.deepEqual(await fingerprint("mover"), later);
    const listed = await where();
    assert.ok(listed.includes("mover@local:RUNNING"), listed.join(", "));
    assert.ok(!listed.some((a) => a.startsWith("mover@box")), listed.join(", "));
  });

  test("an agent with no work dir source is cloned to the docker host with its files", async () => {
    await f.fleet(["create", "bare", "--command", "sleep 3600", "--no-connect"]);
    await f.fleet([
      "exec",
      "bare",
      "--",
      "sh",
      "-c",
      "printf '\\000\\001\\377' > 'bin ary' && printf '#!/bin/sh\\n' > run.sh && chmod +x run.sh",
    ]);
    const list =
      "find . -type f \\( -perm -u+x -printf 'x %P ' -o -printf '- %P ' \\) -exec sha256sum {} + | sort";
    const source = await f.fleet(["exec", "bare", "--", "sh", "-c", list]);
    await f.fleet(["clone", "bare", "bare-boxed", "--host", "box"]);
    const copy = await f.fleet(["exec", "bare-boxed", "--", "sh", "-c", list]);
    assert.equal(copy.stdout, source.stdout);
    assert.match(copy.stdout, /x run\.sh/);
  });

  test("migrating onto a host that has an agent of that name is refused, the original left running", async () => {
    await f.fleet(["create", "dup", "--command", "sleep 3600", "--no-connect"]);
    await f.fleet(["create", "dup", "--host", "box", "--command", "sleep 3600", "--no-connect"]);
    const refused = await f.fleet(["migrate", "dup@local", "--to", "box"], 2);
    assert.match(refused.stderr, /host box already has an agent named dup/);
    const listed = await where();
    assert.ok(listed.includes("dup@local:RUNNING") && listed.includes("dup@box:RUNNING"));
  });

  test("rename of a docker agent keeps its work and renames its branch in the container", async () => {
    const before = await fingerprint("boxed");
    const renamed = await f.fleet(["rename", "boxed", "boxed-new", "--json"]);
    const result = JSON.parse(renamed.stdout) as {
      renamed: { host: string; state: string; workdir: string; branch: { after: string } };
    };
    assert.deepEqual(
      [result.renamed.host, result.renamed.state, result.renamed.branch.after],
      ["box", "RUNNING", "fleet/boxed-new"],
    );
    assert.equal(result.renamed.workdir, "/fleet/agents/boxed-new/work");
    assert.deepEqual(await fingerprint("boxed-new"), before);
    const branch = await f.fleet(["exec", "boxed-new", "--", "git", "branch", "--show-current"]);
    assert.equal(branch.stdout, "fleet/boxed-new\n");
    const listed = await where();
    assert.ok(listed.includes("boxed-new@box:RUNNING"), listed.join(", "));
    assert.ok(!listed.some((a) => a.startsWith("boxed@")), listed.join(", "));
    // Its commits come back under the new name.
    const pulled = await f.fleet(["pull", "boxed-new", "--json"]);
    assert.equal(
      (JSON.parse(pulled.stdout) as { pulled: { branch: string } }).pulled.branch,
      "fleet/boxed-new",
    );
    assert.equal(await git("log", "-1", "--format=%s", "fleet/boxed-new"), "agent: boxed");
  });

  test("a copy that cannot start leaves the original as it was, running, and nothing behind", async () => {
    // A program only this machine has: the copy on the docker host exits at once.
    const script = join(f.sb.dir, "only-here.sh");
    await execFileAsync("sh", [
      "-c",
      `printf '#!/bin/sh\\nexec sleep 3600\\n' > ${script} && chmod +x ${script}`,
    ]);
    await f.fleet(["create", "homebody", "--workdir", repo, "--command", script, "--no-connect"]);
    await f.fleet(["exec", "homebody", "--", "sh", "-c", ODD_WORK_SCRIPT]);
    const before = await fingerprint("homebody");
    const cloned = await f.fleet(["clone", "homebody", "abroad", "--host", "box"], 1);
    assert.match(cloned.stderr, /exited/);
    assert.equal(await git("branch", "--list", "fleet/abroad"), "");
    const moved = await f.fleet(["migrate", "homebody", "--to", "box"], 1);
    assert.match(moved.stderr, /exited/);
    const listed = await where();
    assert.ok(listed.includes("homebody@local:RUNNING"), listed.join(", "));
    assert.ok(!listed.some((a) => a.startsWith("abroad@") || a.startsWith("homebody@box")));
    assert.deepEqual(await fingerprint("homebody"), before);
    const left = await f.fleet(["exec", "keeper", "--", "ls", "/fleet/agents"]);
    assert.deepEqual(
      left.stdout
        .trim()
        .split("\n")
        .filter((n) => /abroad|homebody/.test(n)),
      [],
    );
  });
});
