/**
 * `fleet pair` with an agent on an ssh host (a real sshd on loopback, fleet's
 * ControlMaster connection, tmux and git on the host): both ways, a deletion,
 * and a conflict that stops it and changes nothing.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";
import { localHolds, pairCases, startPair, type PairHost } from "./pair-harness.ts";

describe("fleet pair with an agent on an ssh host", { skip: skipSsh, timeout: 240_000 }, () => {
  let f: SshFixture;
  let h: PairHost;
  let notes: string;

  before(async () => {
    f = await makeSshFixture("pair-ssh");
    const repo = await f.sb.gitRepo("proj", { "README.md": "# proj\n" });
    notes = join(f.sb.dir, "notes");
    await mkdir(join(notes, "sub", ".git"), { recursive: true });
    await writeFile(join(notes, "notes.txt"), "plain notes\n");
    await writeFile(join(notes, "sub", ".git", "HEAD"), "not to be synced\n");
    const file = await f.fleetFile(`version: 1
name: remote-pair
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  w: { host: box, command: "sleep 3600", workdir: { from: ${JSON.stringify(repo)} } }
  plain: { host: box, command: "sleep 3600", workdir: { from: ${JSON.stringify(notes)} } }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    const inAgent = (script: string, ...args: string[]) =>
      f.sb.fleet(["exec", "w", "--", "sh", "-c", script, "sh", ...args]);
    h = {
      sb: f.sb,
      agent: "w",
      checkout: repo,
      async readAgent(path) {
        const read = await f.sb.fleet(["exec", "w", "--", "cat", "--", path]);
        return read.code === 0 ? read.stdout : undefined;
      },
      async writeAgent(path, content) {
        const written = await inAgent('printf %s "$1" > "$2"', content, path);
        assert.equal(written.code, 0, output(written));
      },
      async removeAgent(path) {
        const removed = await inAgent('rm -- "$1"', path);
        assert.equal(removed.code, 0, output(removed));
      },
      latencies: [],
    };
  });
  after(async () => {
    for (const { what, ms } of h.latencies) console.log(`# ssh pair latency ${what}: ${ms} ms`);
    await f.cleanup();
  });

  pairCases(() => h);

  test("a work dir that is no git work dir pairs with a plain dir, both ways, .git dirs left out", async () => {
    const mine = join(f.sb.dir, "my-notes");
    await mkdir(join(mine, "deep", ".git"), { recursive: true });
    await writeFile(join(mine, "deep", ".git", "config"), "local only\n");
    await writeFile(join(mine, "deep", "todo.txt"), "mine\n");
    const run = startPair(f.sb, ["plain", "--path", mine], f.sb.dir);
    try {
      await localHolds(mine, "notes.txt", "plain notes\n");
      await run.line(/→ agent {2}deep\/todo\.txt$/);
      const there = await f.sb.fleet([
        "exec",
        "plain",
        "--",
        "sh",
        "-c",
        "cat deep/todo.txt; ls -a deep sub",
      ]);
      assert.equal(there.stdout, "mine\ndeep:\n.\n..\ntodo.txt\n\nsub:\n.\n..\n.git\n");
      assert.equal(existsSync(join(mine, "sub", ".git")), false);
    } finally {
      assert.equal(await run.stop(), 0, run.stderr());
    }
  });
});
