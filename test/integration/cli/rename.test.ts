/**
 * `fleet rename OLD NEW` on this machine: the agent runs on under the new name
 * with its work dir, uncommitted work and branch (renamed, or kept), its old
 * session, dir and cache entry gone; bad input and fleet-owned agents are
 * refused with nothing changed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import {
  FINGERPRINT_SCRIPT,
  ODD_REPO_FILES,
  ODD_WORK_SCRIPT,
  parseFingerprint,
} from "../../helpers/odd-work.ts";

const execFileAsync = promisify(execFile);

describe("fleet rename on this machine", { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let repo: string;
  let file: string;
  const fleet = async (args: string[], expect = 0): Promise<RunResult> => {
    const result = await sb.fleet(args, { cwd: sb.dir });
    assert.equal(
      result.code,
      expect,
      `fleet ${args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
    return result;
  };
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: repo, env: sb.env })).stdout.trim();
  const fingerprint = async (agent: string) =>
    parseFingerprint(await fleet(["exec", agent, "--", "sh", "-c", FINGERPRINT_SCRIPT]));
  const listed = async () =>
    (
      JSON.parse((await fleet(["list", "--json"])).stdout) as {
        agents: { name: string; host: string; state: string }[];
      }
    ).agents
      .map((a) => `${a.name}@${a.host}:${a.state}`)
      .sort();
  const sessions = async () =>
    (await sb.tmux(["list-sessions", "-F", "#{session_name}"])).stdout.split("\n").sort();

  before(async () => {
    sb = await makeSandbox("rename-local");
    repo = await sb.gitRepo("proj", ODD_REPO_FILES);
    await fleet(["create", "old", "--workdir", repo, "--command", "sleep 600", "--no-connect"]);
    await fleet(["exec", "old", "--", "sh", "-c", ODD_WORK_SCRIPT]);
    file = join(sb.dir, "fleet.yaml");
    await writeFile(file, `version: 1\nname: team\nagents:\n  owned: { command: "sleep 600" }\n`);
    await fleet(["apply", "-f", file, "-y"]);
  });
  after(() => sb.cleanup());

  test("a running agent runs on under the new name, with its work and branch fleet/NEW", async () => {
    const before = await fingerprint("old");
    const renamed = await fleet(["rename", "old", "fresh", "--json"]);
    const result = JSON.parse(renamed.stdout) as {
      renamed: {
        from: string;
        to: string;
        state: string;
        branch: { before: string; after: string };
      };
    };
    assert.deepEqual(
      [result.renamed.from, result.renamed.to, result.renamed.state],
      ["old", "fresh", "RUNNING"],
    );
    assert.deepEqual(result.renamed.branch, { before: "fleet/old", after: "fleet/fresh" });
    assert.deepEqual(await fingerprint("fresh"), before);
    const branch = await fleet(["exec", "fresh", "--", "git", "branch", "--show-current"]);
    assert.equal(branch.stdout, "fleet/fresh\n");
    assert.equal(await git("branch", "--list", "fleet/old"), "");
    assert.equal(await git("rev-parse", "fleet/fresh"), before.head);
    const pwd = await fleet(["exec", "fresh", "--", "pwd"]);
    assert.equal(pwd.stdout.trim(), join(sb.home, "agents", "fresh", "work"));
    assert.ok(!existsSync(join(sb.home, "agents", "old")));
    const names = await sessions();
    assert.ok(names.includes(`${sb.prefix}fresh`) && !names.includes(`${sb.prefix}old`));
    assert.ok((await listed()).includes("fresh@local:RUNNING"));
    const cache = await readFile(join(sb.home, "cache", "agent-hosts.json"), "utf8");
    assert.deepEqual(Object.keys(JSON.parse(cache) as object).sort(), ["fresh", "owned"]);
    const logs = await fleet(["logs", "fresh", "--json"]);
    assert.match(logs.stdout, /"renamed"/);
    await fleet(["exec", "fresh", "--", "git", "worktree", "list"]);
  });

  test("a stopped agent stays stopped, and --keep-branch keeps its branch", async () => {
    await fleet(["stop", "fresh"]);
    const renamed = await fleet(["rename", "fresh", "kept", "--keep-branch"]);
    assert.match(renamed.stdout, /Renamed fresh@local to kept \(STOPPED\)/);
    assert.match(renamed.stdout, /Its branch stays fleet\/fresh/);
    assert.ok((await listed()).includes("kept@local:STOPPED"));
    await fleet(["start", "kept"]);
    const branch = await fleet(["exec", "kept", "--", "git", "branch", "--show-current"]);
    assert.equal(branch.stdout, "fleet/fresh\n");
  });

  test("bad input and a fleet file's agent are refused, nothing changed", async () => {
    const before = await listed();
    assert.match((await fleet(["rename", "nosuch", "x"], 1)).stderr, /nosuch/);
    assert.match((await fleet(["rename", "kept", "owned"], 2)).stderr, /already exists/);
    assert.match((await fleet(["rename", "kept", "bad name"], 2)).stderr, /not a valid agent name/);
    const owned = await fleet(["rename", "owned", "other"], 1);
    assert.match(owned.stderr, /belongs to fleet "team"/);
    assert.match(owned.stderr, /rename agents\.owned to other in that fleet file/);
    assert.deepEqual(await listed(), before);
  });

  test("a taken branch name is refused before anything moves", async () => {
    await fleet(["create", "solo", "--workdir", repo, "--command", "sleep 600", "--no-connect"]);
    await git("branch", "fleet/taken");
    const refused = await fleet(["rename", "solo", "taken"], 2);
    assert.match(refused.stderr, /branch fleet\/taken already exists/);
    assert.ok((await listed()).includes("solo@local:RUNNING"));
    assert.ok(existsSync(join(sb.home, "agents", "solo")));
  });
});
