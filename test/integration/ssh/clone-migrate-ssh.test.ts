/**
 * `fleet clone` and `fleet migrate` with an ssh host (a real sshd on loopback):
 * the copy's work dir is the source's, byte for byte, and a migrated agent is on
 * the ssh host only, its original removed; a renamed one keeps its work there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunResult } from "../../helpers/sandbox.ts";
import {
  FINGERPRINT_SCRIPT,
  ODD_REPO_FILES,
  ODD_STATUS_ENTRIES,
  ODD_WORK_SCRIPT,
  parseFingerprint,
  statusEntries,
} from "../../helpers/odd-work.ts";
import { execFileAsync, makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

describe("clone, migrate and rename with an ssh host", { skip: skipSsh, timeout: 240_000 }, () => {
  let f: SshFixture;
  let repo: string;
  const fleet = async (args: string[], expect = 0): Promise<RunResult> => {
    const result = await f.sb.fleet(args);
    assert.equal(result.code, expect, `fleet ${args.join(" ")}\n${output(result)}`);
    return result;
  };
  const fingerprint = async (agent: string) =>
    parseFingerprint(await fleet(["exec", agent, "--", "sh", "-c", FINGERPRINT_SCRIPT]));

  before(async () => {
    f = await makeSshFixture("ssh-clone");
    repo = await f.sb.gitRepo("proj", ODD_REPO_FILES);
    await execFileAsync("chmod", ["-x", join(repo, "tool.sh")]);
    const file = await f.fleetFile(`version: 1
name: remoteclone
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  keeper: { host: box, command: "sleep 600" }
`);
    await fleet(["apply", "-f", file, "-y"]);
    await fleet(["create", "src", "--workdir", repo, "--command", "sleep 600", "--no-connect"]);
    await fleet(["exec", "src", "--", "sh", "-c", ODD_WORK_SCRIPT]);
  });
  after(() => f.cleanup());

  test("a local agent cloned to the ssh host has the same work, byte for byte", async () => {
    const source = await fingerprint("src");
    assert.deepEqual(statusEntries(source), [...ODD_STATUS_ENTRIES].sort());
    await fleet(["clone", "src", "remote-twin", "--host", "box"]);
    assert.deepEqual(await fingerprint("remote-twin"), source);
    assert.ok((await f.remoteSessions()).includes(`${f.sb.prefix}remote-twin`));
  });

  test("migrate moves the agent to the ssh host with its work, and removes the original", async () => {
    const source = await fingerprint("src");
    const moved = await fleet(["migrate", "src", "--to", "box", "--json"]);
    const result = JSON.parse(moved.stdout) as { migrated: { from: string; to: string } };
    assert.deepEqual([result.migrated.from, result.migrated.to], ["local", "box"]);
    assert.deepEqual(await fingerprint("src"), source);
    const agents = (await f.list()).agents.filter((a) => a.name === "src");
    assert.deepEqual(
      agents.map((a) => `${a.host}:${a.state}`),
      ["box:RUNNING"],
    );
  });

  test("rename on the ssh host keeps the work and renames the session and branch there", async () => {
    const before = await fingerprint("src");
    await fleet(["rename", "src", "renamed"]);
    assert.deepEqual(await fingerprint("renamed"), before);
    const sessions = await f.remoteSessions();
    assert.ok(sessions.includes(`${f.sb.prefix}renamed`), sessions.join(", "));
    assert.ok(!sessions.includes(`${f.sb.prefix}src`), sessions.join(", "));
    const branch = await fleet(["exec", "renamed", "--", "git", "branch", "--show-current"]);
    assert.equal(branch.stdout, "fleet/renamed\n");
    assert.deepEqual(
      (await f.list()).agents
        .filter((a) => a.name === "src" || a.name === "renamed")
        .map((a) => `${a.name}@${a.host}`),
      ["renamed@box"],
    );
  });
});
