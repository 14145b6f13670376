import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { fleetBin, makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);

async function sessions(sb: Sandbox): Promise<string[]> {
  const result = await sb.tmux(["list-sessions", "-F", "#{session_name}"]);
  return result.code === 0 ? result.stdout.trim().split("\n").filter(Boolean).sort() : [];
}

describe("apply when a change fails", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("apply-fail");
  });
  after(() => sb.cleanup());

  test("unrelated changes still happen, the failure is reported, exit 1, and a re-run converges", async () => {
    const repo = await sb.gitRepo("busy-repo");
    // The agent's branch is checked out in the repo itself, so its worktree cannot be made.
    await execFileAsync("git", ["checkout", "-q", "-b", "fleet/blocked"], {
      cwd: repo,
      env: sb.env,
    });
    const file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: partial
agents:
  fine-1: { agent: command, command: "sleep 600" }
  fine-2: { agent: command, command: "sleep 600" }
  blocked: { agent: command, command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(applied.stderr + applied.stdout, /agents\.blocked.*fail/);
    assert.match(applied.stdout, /Apply finished with errors/);
    assert.deepEqual(await sessions(sb), [`${sb.prefix}fine-1`, `${sb.prefix}fine-2`]);

    await execFileAsync("git", ["checkout", "-q", "main"], { cwd: repo, env: sb.env });
    const again = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /1 added, 0 changed, 0 destroyed/);
    assert.equal((await sessions(sb)).length, 3);
  });
});

describe("apply interrupted with Ctrl-C", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("apply-sigint");
  });
  after(() => sb.cleanup());

  test("lets changes in flight finish, starts no new ones, and a re-run completes", async () => {
    const file = join(sb.dir, "fleet.yaml");
    const agents = Array.from(
      { length: 12 },
      (_, i) => `  s${i}: { agent: command, command: "sleep 600" }`,
    ).join("\n");
    await writeFile(file, `version: 1\nname: interrupted\nagents:\n${agents}\n`);
    const child = spawn(
      process.execPath,
      [fleetBin, "apply", "-f", file, "-y", "--parallelism", "1"],
      {
        env: sb.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const interrupted = new Promise<void>((resolve) => {
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        if (/: created/.test(stderr) && child.signalCode === null && !child.killed) {
          child.kill("SIGINT");
          resolve();
        }
      });
    });
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
    await interrupted;
    assert.equal(code, 1, stdout + stderr);
    assert.match(stderr, /interrupted/);
    const created = (stderr.match(/: created/g) ?? []).length;
    const live = await sessions(sb);
    assert.ok(live.length < 12, `expected the apply to stop early, ${live.length} sessions exist`);
    assert.equal(live.length, created, "every started change finished; nothing was left half-made");
    const again = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await sessions(sb)).length, 12);
  });
});
