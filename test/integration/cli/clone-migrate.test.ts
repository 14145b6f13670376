/**
 * `fleet clone` and `fleet migrate` on this machine: the clone's work dir is the
 * source's, byte for byte (staged, unstaged, untracked, deleted, modes, binary
 * and odd names), on its own branch, with the source untouched; bad input and
 * fleet-owned agents are refused with nothing changed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import {
  BINARY_BYTES,
  FINGERPRINT_SCRIPT,
  ODD_REPO_FILES,
  ODD_STATUS_ENTRIES,
  ODD_WORK_SCRIPT,
  parseFingerprint,
  statusEntries,
} from "../../helpers/odd-work.ts";

const execFileAsync = promisify(execFile);
const AS_AGENT = "git -c user.name=agent -c user.email=agent@fleet.invalid";

describe("fleet clone and migrate on this machine", { timeout: 180_000 }, () => {
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
  const agents = async () =>
    (
      JSON.parse((await fleet(["list", "--json"])).stdout) as {
        agents: { name: string; host: string; fleet: string | null; state: string }[];
      }
    ).agents
      .map((a) => `${a.name}@${a.host}:${a.fleet ?? "-"}`)
      .sort();

  before(async () => {
    sb = await makeSandbox("clone-local");
    repo = await sb.gitRepo("proj", ODD_REPO_FILES);
    await execFileAsync("chmod", ["-x", join(repo, "tool.sh")]);
    await fleet(["create", "src", "--workdir", repo, "--command", "sleep 600", "--no-connect"]);
    await fleet([
      "exec",
      "src",
      "--",
      "sh",
      "-c",
      `printf 'by agent\\n' > agent.txt && git add agent.txt && ${AS_AGENT} commit -qm 'agent: a commit' && ${ODD_WORK_SCRIPT}`,
    ]);
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1\nname: team\nagents:\n  owned: { command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }\n`,
    );
    await fleet(["apply", "-f", file, "-y"]);
  });
  after(() => sb.cleanup());

  test("the clone's work dir is the source's, byte for byte, on branch fleet/NEW at its HEAD", async () => {
    const source = await fingerprint("src");
    assert.deepEqual(statusEntries(source), [...ODD_STATUS_ENTRIES].sort());
    const cloned = await fleet(["clone", "src", "twin", "--json"]);
    const result = JSON.parse(cloned.stdout) as {
      cloned: { name: string; host: string; branch: string; base: string; fleet: null };
    };
    assert.equal(result.cloned.name, "twin");
    assert.equal(result.cloned.branch, "fleet/twin");
    assert.equal(result.cloned.base, source.head);
    assert.deepEqual(await fingerprint("twin"), source);
    assert.equal(await git("rev-parse", "fleet/twin"), source.head);
    assert.equal(await git("log", "-1", "--format=%s", "fleet/twin"), "agent: a commit");
    const bytes = await fleet(["exec", "twin", "--", "od", "-An", "-to1", "bin ary.dat"]);
    assert.equal(bytes.stdout.trim().split(/\s+/).join(" "), BINARY_BYTES);
    const executable = await fleet(["exec", "twin", "--", "sh", "-c", "test -x tool.sh && echo x"]);
    assert.equal(executable.stdout, "x\n");
    // Ignored files are not work: they stay behind.
    await fleet(["exec", "twin", "--", "test", "!", "-e", "build.log"]);
  });

  test("the source is left exactly as it was, and the clone is owned by no fleet", async () => {
    const before = await fingerprint("src");
    await fleet(["clone", "src", "third"]);
    assert.deepEqual(await fingerprint("src"), before);
    assert.equal(await git("rev-parse", "fleet/src"), before.head);
    assert.equal(await git("for-each-ref", "refs/fleet"), "");
    const listed = await agents();
    assert.ok(listed.includes("third@local:-"), listed.join(", "));
  });

  test("a clone of a fleet file's agent says it belongs to no fleet file, and plan leaves it alone", async () => {
    const cloned = await fleet(["clone", "owned", "loose"]);
    assert.match(cloned.stdout, /owned belongs to fleet "team"; loose belongs to no fleet file/);
    assert.ok((await agents()).includes("loose@local:-"));
    await fleet(["plan", "-f", file, "--detailed-exitcode"], 0);
  });

  test("an agent whose work dir is not a git repo is cloned with a copy of that dir, modes and bytes", async () => {
    const plain = join(sb.dir, "plain");
    await execFileAsync("sh", [
      "-c",
      `mkdir -p ${plain} && printf 'from source\\n' > ${plain}/seed.txt`,
    ]);
    await fleet(["create", "notes", "--workdir", plain, "--command", "sleep 600", "--no-connect"]);
    await fleet([
      "exec",
      "notes",
      "--",
      "sh",
      "-c",
      "rm seed.txt && printf '\\000\\377' > 'bin ary' && printf '#!/bin/sh\\n' > run.sh && chmod +x run.sh && mkdir -p 'a dir' && echo x > 'a dir/f'",
    ]);
    const list =
      "find . -type f \\( -perm -u+x -printf 'x %P ' -o -printf '- %P ' \\) -exec sha256sum {} + | sort";
    const source = await fleet(["exec", "notes", "--", "sh", "-c", list]);
    const cloned = await fleet(["clone", "notes", "notes-2", "--json"]);
    assert.equal((JSON.parse(cloned.stdout) as { cloned: { branch: null } }).cloned.branch, null);
    const copy = await fleet(["exec", "notes-2", "--", "sh", "-c", list]);
    assert.equal(copy.stdout, source.stdout);
    assert.match(copy.stdout, /x run\.sh/);
    assert.doesNotMatch(copy.stdout, /seed\.txt/);
  });

  test("bad input is refused and changes nothing", async () => {
    const before = await agents();
    const branches = await git("branch", "--list");
    const unknown = await fleet(["clone", "nosuch", "x1"], 1);
    assert.match(unknown.stderr, /nosuch/);
    const taken = await fleet(["clone", "src", "twin", "--json"], 2);
    assert.equal(
      (JSON.parse(taken.stdout) as { error: { code: string } }).error.code,
      "AGENT_EXISTS",
    );
    const invalid = await fleet(["clone", "src", "no/slash"], 2);
    assert.match(invalid.stderr, /not a valid agent name/);
    const host = await fleet(["clone", "src", "x2", "--host", "nowhere"], 2);
    assert.match(host.stderr, /unknown host "nowhere"/);
    await git("branch", "fleet/x3");
    const branch = await fleet(["clone", "src", "x3"], 1);
    assert.match(branch.stderr, /branch fleet\/x3 already exists/);
    await git("branch", "-D", "fleet/x3");
    // A command agent's CLI keeps no conversation fleet can copy.
    const talk = await fleet(["clone", "src", "x4", "--conversation", "--json"], 2);
    assert.equal(
      (JSON.parse(talk.stdout) as { error: { code: string } }).error.code,
      "CONVERSATION_UNSUPPORTED",
    );
    assert.deepEqual(await agents(), before);
    assert.equal(await git("branch", "--list"), branches);
  });

  test("migrate refuses a fleet file's agent, saying to change its host: there", async () => {
    const refused = await fleet(["migrate", "owned", "--to", "local"], 1);
    assert.match(refused.stderr, /belongs to fleet "team"/);
    assert.match(refused.stderr, /set `host: local` under agents\.owned/);
    assert.ok((await agents()).includes("owned@local:team"));
  });

  test("migrate without --to, or to the host the agent is on, is a usage error", async () => {
    const missing = await fleet(["migrate", "src"], 2);
    assert.match(missing.stderr, /--to HOST/);
    const same = await fleet(["migrate", "src", "--to", "local"], 2);
    assert.match(same.stderr, /already runs on host local/);
  });

  test("clone and migrate show examples in --help", async () => {
    for (const command of ["clone", "migrate"]) {
      const help = await fleet([command, "--help"]);
      assert.match(help.stdout, new RegExp(`Examples:\\n  fleet ${command} `));
    }
  });
});
