/** `fleet label`, `fleet limit` and `fleet cleanup` on an ssh host (real sshd on loopback). */
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";
import { editCleanupCases, type EditCleanupHost } from "./edit-cleanup-cases.ts";

if (skipSsh !== false) console.log(`# label/limit/cleanup on ssh skipped: ${skipSsh}`);

describe("label, limit and cleanup on an ssh host", { skip: skipSsh, timeout: 300_000 }, () => {
  let f: SshFixture;
  let host: EditCleanupHost;
  before(async () => {
    f = await makeSshFixture("edit-cleanup-ssh");
    const repo = await f.sb.gitRepo("proj");
    const file = await f.fleetFile(`version: 1
name: team
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  owned: { command: sleep 3600, host: box, idle: disabled }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    host = {
      fleet: (args, options) => f.sb.fleet(args, options),
      host: "box",
      repo,
      env: f.sb.env,
      sharedBranch: false,
    };
  });
  after(async () => {
    if (skipSsh === false) await f.cleanup();
  });
  editCleanupCases(() => host);
});
