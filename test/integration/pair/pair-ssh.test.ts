/**
 * `fleet pair` with an agent on an ssh host (a real sshd on loopback, fleet's
 * ControlMaster connection, tmux and git on the host): both ways, a deletion,
 * and a conflict that stops it and changes nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";
import { pairCases, type PairHost } from "./pair-harness.ts";

describe("fleet pair with an agent on an ssh host", { skip: skipSsh, timeout: 240_000 }, () => {
  let f: SshFixture;
  let h: PairHost;

  before(async () => {
    f = await makeSshFixture("pair-ssh");
    const repo = await f.sb.gitRepo("proj", { "README.md": "# proj\n" });
    const file = await f.fleetFile(`version: 1
name: remote-pair
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  w: { host: box, command: "sleep 3600", workdir: { from: ${JSON.stringify(repo)} } }
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
});
