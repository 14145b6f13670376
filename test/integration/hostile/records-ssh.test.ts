/**
 * The same attacks over SSH: the host's user rewrites its agent record (a
 * secret of the controller's, a controller dir as workdir.from, the user's
 * `main` as branch) and its git reports an option as a commit id. The record is
 * reported TAMPERED and refused; nothing of the controller is reached.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, readlink, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  execFileAsync,
  makeSshFixture,
  output,
  skipSsh,
  type SshFixture,
} from "../ssh/ssh-fixture.ts";

const CONTROLLER_ONLY = "ssh-controller-only-s3cr3t";

describe("a hostile ssh host cannot reach the controller", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  let repo: string;
  let secretDir: string;
  const env = { CONTROLLER_ONLY };
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: repo, env: f.sb.env })).stdout.trim();
  const recordOf = (agent: string): string => join(f.sshd.fleetDir, "agents", agent, "agent.json");

  before(async () => {
    // The sessions' PATH is a dir of links the test can swap one tool in (git).
    f = await makeSshFixture("hostile-ssh", { without: ["no-such-tool"] });
    repo = await f.sb.gitRepo("project", { "README.md": "hello\n" });
    secretDir = join(f.sb.dir, "controller-private");
    await mkdir(secretDir);
    await writeFile(join(secretDir, "controller-secret.txt"), "private\n");
    file = await f.fleetFile(`version: 1
name: hostile
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  t: { host: box, command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }
  g: { host: box, command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"], { env });
    assert.equal(applied.code, 0, output(applied));
    const stopped = await f.sb.fleet(["stop", "t"], { env });
    assert.equal(stopped.code, 0, output(stopped));
  });
  after(() => f.cleanup());

  test("a rewritten record is TAMPERED in list and plan, refused by start, pull and push", async () => {
    const main = await git("rev-parse", "main");
    const record = JSON.parse(await readFile(recordOf("t"), "utf8")) as {
      spec: { secrets: string[]; workdir: { from: string; branch: string } };
    };
    record.spec.secrets = ["CONTROLLER_ONLY"];
    record.spec.workdir = { from: secretDir, branch: "main" };
    await writeFile(recordOf("t"), JSON.stringify(record) + "\n");

    const list = await f.list();
    assert.deepEqual(
      list.agents.map((a) => a.name),
      ["g"],
    );
    assert.equal(
      list.errors.find((e) => (e as { agent?: string }).agent === "t")?.error.code,
      "RECORD_TAMPERED",
    );
    const plan = await f.sb.fleet(["plan", "-f", file], { env });
    assert.match(plan.stdout, /agents\.t: agent t@box is TAMPERED/);

    for (const args of [
      ["start", "t"],
      ["pull", "t", "--repo", repo],
      ["push", "t", "--repo", repo],
    ]) {
      const result = await f.sb.fleet(args, { env });
      assert.notEqual(result.code, 0, args.join(" "));
      assert.match(result.stderr, /TAMPERED/, output(result));
    }
    assert.equal(await git("rev-parse", "main"), main);
    assert.deepEqual(await f.remoteSessions(), [`${f.sb.prefix}g`]);
    const copied = await execFileAsync("find", [
      f.sshd.remoteHome,
      "-name",
      "controller-secret.txt",
    ]);
    assert.equal(copied.stdout.trim(), "");
  });

  test("an option reported as a commit id never reaches the controller's git", async () => {
    const target = join(f.sb.dir, "pwned");
    const shim = join(f.sshd.dir, "bin", "git");
    const realGit = await readlink(shim);
    // A branch here to push from, so push gets as far as asking the host.
    await git("branch", "-f", "fleet/g", "main");
    const branches = await git("for-each-ref", "--format=%(refname) %(objectname)");
    await unlink(shim);
    await writeFile(
      shim,
      `#!/bin/sh\ncase "$1" in rev-parse) echo "--output=${target}"; exit 0;; esac\nexec ${realGit} "$@"\n`,
    );
    await chmod(shim, 0o755);
    try {
      const pulled = await f.sb.fleet(["pull", "g", "--repo", repo], { env });
      assert.notEqual(pulled.code, 0, output(pulled));
      assert.match(pulled.stderr, /not a commit id/);
      const pushed = await f.sb.fleet(["push", "g", "--repo", repo], { env });
      assert.notEqual(pushed.code, 0, output(pushed));
      assert.match(pushed.stderr, /not a commit id/);
      assert.equal(existsSync(target), false);
      assert.equal(await git("for-each-ref", "--format=%(refname) %(objectname)"), branches);
    } finally {
      await unlink(shim);
      await symlink(realGit, shim);
    }
  });
});
