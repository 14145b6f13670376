/**
 * A create that fails after its work dir was made leaves nothing behind: no
 * agent dir, no worktree, no branch. What existed before it stays.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { createAgent } from "../../../src/core/host/index.ts";
import { makeRuntime, type Runtime } from "../runtime/runtime-fixture.ts";

const execFileAsync = promisify(execFile);

describe("a failed create", () => {
  let rt: Runtime;
  let repo: string;
  const git = async (...args: string[]): Promise<string> =>
    (await execFileAsync("git", args, { cwd: repo, env: rt.sb.env })).stdout.trim();

  before(async () => {
    rt = await makeRuntime("failed-create");
    repo = await rt.sb.gitRepo("fc-repo", { "README.md": "hello\n" });
  });
  after(() => rt.sb.cleanup());

  // An env name sh would not take is refused by the launch, after the worktree is made.
  const failing = (name: string, branch: string) =>
    rt.spec(name, { env: { "1NOT-A-NAME": "x" }, workdir: { from: repo, branch } });

  test("leaves no agent dir, no worktree and no branch", async () => {
    await assert.rejects(
      createAgent(rt.h, failing("fc", "fleet/fc"), { fleet: null, secrets: {} }),
      {
        code: "INVALID_ENV",
      },
    );
    assert.equal(existsSync(join(rt.sb.home, "agents", "fc")), false);
    assert.doesNotMatch(await git("worktree", "list", "--porcelain"), /agents\/fc/);
    assert.equal(await git("branch", "--list", "fleet/fc"), "");
  });

  test("keeps a branch that existed before it", async () => {
    await git("branch", "fleet/kept");
    const tip = await git("rev-parse", "fleet/kept");
    await assert.rejects(
      createAgent(rt.h, failing("kept", "fleet/kept"), { fleet: null, secrets: {} }),
      { code: "INVALID_ENV" },
    );
    assert.equal(await git("rev-parse", "fleet/kept"), tip);
    assert.equal(existsSync(join(rt.sb.home, "agents", "kept")), false);
  });

  test("never touches an agent that exists", async () => {
    await createAgent(rt.h, rt.spec("live", { command: "sleep 600" }), {
      fleet: null,
      secrets: {},
    });
    const record = join(rt.sb.home, "agents", "live", "agent.json");
    await assert.rejects(
      createAgent(rt.h, rt.spec("live", { env: { "1BAD": "x" } }), { fleet: null, secrets: {} }),
    );
    assert.equal(existsSync(record), true);
    assert.equal((await rt.tmux("has-session", "-t", `=${rt.sb.prefix}live`)).code, 0);
  });
});
