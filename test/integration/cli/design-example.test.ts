/**
 * The design's example fleet (DESIGN.md, "The fleet file": a named local host
 * `laptop`, a docker host `sandbox` on the base image, an ssh host `box`, here a
 * real sshd on loopback) applied, listed, exec'd into, messaged, read and
 * destroyed beside two other fleets and agents made with `fleet create`, on one
 * machine. Every command must see exactly the right agents, and destroying one
 * fleet touches nothing else.
 */
import assert from "node:assert/strict";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import { EngineClient } from "../../../providers/docker/engine-client.ts";
import { docBlocks } from "../../helpers/doc-blocks.ts";
import { repoRoot, waitFor, type RunResult } from "../../helpers/sandbox.ts";
import { dockerSkipReason } from "../docker-engine/docker-test-env.ts";
import { makeSshFixture, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";

const execFileAsync = promisify(execFile);
const FIXTURES = join(repoRoot, "test", "fixtures", "fleets");
const SECRET = "design-example-secret-value";
/** Only a hang (a lock waited on forever) comes near this. */
const HANG = 200_000;

const skipDocker = await dockerSkipReason();
const skip = skipDocker !== false ? skipDocker : skipSsh;
if (skip !== false) console.log(`# design example tests skipped: ${skip}`);

interface Listed {
  name: string;
  host: string;
  fleet: string | null;
  state: string;
}

/** The saved-work notice docs/cli.md shows, with this run's FLEET_HOME and time stamp. */
function savedWorkAsDocumented(bundle: string): string {
  const block = docBlocks().find(
    (b) => b.file === "docs/cli.md" && b.body.startsWith("Saved work of agents.fix-flaky-tests"),
  );
  assert.ok(block, "docs/cli.md shows a saved-work notice");
  const real = /^(.*)\/saved\/fix-flaky-tests-(\d{8}T\d{6}Z)\.bundle$/.exec(bundle);
  assert.ok(real?.[1] && real[2], bundle);
  return block.body
    .trimEnd()
    .replaceAll("/home/me/.fleet", real[1])
    .replaceAll(/\d{8}T\d{6}Z/g, real[2]);
}

/** The two lines of the one saved-work notice in a destroy's output. */
const notice = (stdout: string): string =>
  /^Saved work of .*\n {2}.*$/m.exec(stdout)?.[0] ?? "(no notice)";

const out = (r: RunResult): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

describe("the design's example fleet beside two other fleets and created agents", { skip }, () => {
  let f: SshFixture;
  let engine: EngineClient;
  let repo: string;
  const images: string[] = [];
  const file = (name: string): string => join(f.sb.dir, name);
  const fleet = async (args: string[], expect = 0): Promise<RunResult> => {
    const result = await f.sb.fleet(args, {
      timeoutMs: HANG,
      env: { PAYMENTS_API_KEY: SECRET },
    });
    assert.equal(result.code, expect, `fleet ${args.join(" ")}: ${out(result)}`);
    return result;
  };
  const list = async (): Promise<string[]> => {
    const doc = JSON.parse((await fleet(["list", "--json"])).stdout) as { agents: Listed[] };
    return doc.agents.map((a) => `${a.name}@${a.host}:${a.fleet ?? "-"}:${a.state}`).sort();
  };
  const localSessions = async (): Promise<string[]> =>
    (await f.sb.tmux(["list-sessions", "-F", "#{session_name}"])).stdout
      .split("\n")
      .filter(Boolean)
      .sort();
  const container = (host: string): string => `${f.sb.prefix}${host}`;
  const hostNames = async (): Promise<string[]> =>
    (
      JSON.parse((await fleet(["host", "ls", "--json"])).stdout) as { hosts: { name: string }[] }
    ).hosts.map((h) => h.name);

  before(async () => {
    f = await makeSshFixture("design");
    engine = new EngineClient();
    repo = await f.sb.gitRepo("repo", { "README.md": "payments\n", "flaky.test.js": "ok\n" });
    const example = await readFile(join(FIXTURES, "design-example.yaml"), "utf8");
    const pointed = example.replace(
      /^ {2}box: .*$/m,
      `  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}`,
    );
    assert.notEqual(pointed, example, "the fixture declares box");
    await writeFile(file("payments.yaml"), pointed);
    await copyFile(join(FIXTURES, "ops.yaml"), file("ops.yaml"));
    await copyFile(join(FIXTURES, "site.yaml"), file("site.yaml"));
  });
  after(async () => {
    const mine = await engine.listContainers({
      all: true,
      filters: { name: [`^/${f.sb.prefix}`] },
    });
    for (const c of mine) await engine.removeContainer(c.Id, { force: true }).catch(() => 0);
    for (const image of images) await engine.removeImage(image, { force: true }).catch(() => 0);
    engine.close();
    await f.cleanup();
  });

  test("the three fleets and the created agents apply, and plan no changes after", async () => {
    const applied = await fleet(["apply", "-f", file("payments.yaml"), "-y"]);
    assert.match(applied.stdout, /Apply complete! Resources: 5 added, 0 changed, 0 destroyed\./);
    assert.doesNotMatch(applied.stdout + applied.stderr, new RegExp(SECRET));
    await fleet(["apply", "-f", file("ops.yaml"), "-y"]);
    await fleet(["apply", "-f", file("site.yaml"), "-y"]);
    await fleet(["create", "scratch", "--no-connect", "--command", "sleep 3600"]);
    await fleet([
      "create",
      "helper",
      "--host",
      "laptop",
      "--no-connect",
      "--command",
      "sleep 3600",
    ]);
    await fleet([
      "create",
      "remote-scratch",
      "--host",
      "box",
      "--no-connect",
      "--command",
      "sleep 3600",
    ]);
    for (const name of ["payments.yaml", "ops.yaml", "site.yaml"]) {
      await fleet(["plan", "-f", file(name), "--detailed-exitcode"]);
    }
  });

  test("list shows each agent once, on the host it was declared or created on", async () => {
    assert.deepEqual(await list(), [
      "builder@local:site:RUNNING",
      "docs@laptop:payments:RUNNING",
      "fix-flaky-tests@sandbox:payments:RUNNING",
      "helper@laptop:-:RUNNING",
      "janitor@local:ops:RUNNING",
      "log-watcher@laptop:payments:RUNNING",
      "preview@laptop:site:RUNNING",
      "remote-review@box:payments:RUNNING",
      "remote-scratch@box:-:RUNNING",
      "scratch@local:-:RUNNING",
      "tailer@workstation:ops:RUNNING",
    ]);
    assert.deepEqual(await hostNames(), ["local", "box", "laptop", "sandbox", "workstation"]);
  });

  test("exec runs in each host's work dir: docker, ssh and laptop", async () => {
    const branch = await fleet([
      "exec",
      "fix-flaky-tests",
      "--",
      "git",
      "rev-parse",
      "--abbrev-ref",
      "HEAD",
    ]);
    assert.equal(branch.stdout.trim(), "fleet/fix-flaky-tests");
    const env = await fleet(["exec", "remote-review@box", "--", "printenv", "NODE_ENV"]);
    assert.equal(env.stdout.trim(), "development");
    const files = await fleet(["exec", "remote-review", "--", "cat", "flaky.test.js"]);
    assert.equal(files.stdout, "ok\n");
    const pwd = await fleet(["exec", "docs@local", "--", "pwd"]);
    assert.equal(pwd.stdout.trim(), join(f.sb.home, "agents", "docs", "work"));
  });

  test("messages reach agents on all three hosts, and their transcripts show them", async () => {
    const heard = (agent: string, text: RegExp) =>
      waitFor(async () => {
        const r = await f.sb.fleet(["transcript", agent]);
        return text.test(r.stdout) ? r.stdout : undefined;
      }, 30_000);
    await heard("fix-flaky-tests", /backend heard: Fix the flaky tests/);
    await fleet(["message", "fix-flaky-tests@sandbox", "and the slow ones"]);
    await fleet(["message", "docs@laptop", "write the changelog"]);
    await fleet(["message", "remote-review", "review the diff"]);
    await heard("fix-flaky-tests", /backend heard: and the slow ones/);
    await heard("docs@local", /docs heard: write the changelog/);
    await heard("remote-review@box", /backend heard: review the diff/);
  });

  test("an agent created from a snapshot of sandbox gets its own host", async () => {
    await fleet(["exec", "fix-flaky-tests", "--", "sh", "-c", "echo wip > wip.txt"]);
    const snap = await fleet(["snapshot", "fix-flaky-tests", "--json"]);
    const { image } = (JSON.parse(snap.stdout) as { snapshot: { image: string } }).snapshot;
    images.push(image);
    await fleet([
      "create",
      "from-snap",
      "--snapshot",
      image,
      "--host",
      "snapbox",
      "--no-connect",
      "--command",
      "sleep 3600",
    ]);
    assert.ok((await list()).includes("from-snap@snapbox:-:RUNNING"));
    assert.ok((await hostNames()).includes("snapbox"));
  });

  test("destroying the design's fleet says Destroy complete!, saves work once, and touches nothing else", async () => {
    const othersLocal = (await localSessions()).filter(
      (s) => !["docs", "log-watcher"].includes(s.slice(f.sb.prefix.length)),
    );
    const destroyed = await fleet(["destroy", "-f", file("payments.yaml"), "-y"]);
    const text = destroyed.stdout + destroyed.stderr;
    assert.match(
      destroyed.stdout,
      /Destroy complete! Resources: 0 added, 0 changed, 5 destroyed\./,
    );
    assert.match(destroyed.stdout, /fleet destroy: everything fleet "payments" owns is destroyed/);
    assert.doesNotMatch(text, /Apply complete|no longer in the fleet file|warning: .*saved/);
    assert.doesNotMatch(text, /kept/, "no branch is said to be kept on a host that is gone");
    // The uncommitted wip.txt: one notice, for one bundle on this machine.
    const notices = destroyed.stdout.match(/^Saved work of .*$/gm) ?? [];
    assert.equal(notices.length, 1, destroyed.stdout);
    const bundle = /^Saved work of agents\.fix-flaky-tests \(bundle\): (\S+)$/m.exec(
      destroyed.stdout,
    )?.[1];
    assert.ok(bundle, destroyed.stdout);
    assert.equal(savedWorkAsDocumented(bundle), notice(destroyed.stdout), "docs/cli.md shows it");
    await execFileAsync("git", ["-C", repo, "fetch", "-q", bundle, "fleet/fix-flaky-tests:saved"]);
    const wip = await execFileAsync("git", ["-C", repo, "show", "saved:wip.txt"]);
    assert.equal(wip.stdout, "wip\n");

    assert.equal(await engine.inspectContainer(container("sandbox")).catch(() => null), null);
    assert.deepEqual(await localSessions(), othersLocal);
    assert.deepEqual(await f.remoteSessions(), [`${f.sb.prefix}remote-scratch`]);
    assert.deepEqual(await list(), [
      "builder@local:site:RUNNING",
      "from-snap@snapbox:-:RUNNING",
      "helper@laptop:-:RUNNING",
      "janitor@local:ops:RUNNING",
      "preview@laptop:site:RUNNING",
      "remote-scratch@box:-:RUNNING",
      "scratch@local:-:RUNNING",
      "tailer@workstation:ops:RUNNING",
    ]);
    assert.ok(!(await hostNames()).includes("sandbox"), "a destroyed host is forgotten");
    await fleet(["plan", "-f", file("ops.yaml"), "--detailed-exitcode"]);
    await fleet(["plan", "-f", file("site.yaml"), "--detailed-exitcode"]);
  });

  test("the snapshot host goes with its last agent; its image stays", async () => {
    const destroyed = await fleet(["destroy", "from-snap", "-y"]);
    assert.match(
      destroyed.stdout,
      /^Removed host snapbox: `fleet create --snapshot` made it, and its last agent is gone \(the image fleet-snapshot\/sandbox:\S+ is kept\)\.$/m,
    );
    assert.equal(await engine.inspectContainer(container("snapbox")).catch(() => null), null);
    assert.ok(!(await hostNames()).includes("snapbox"));
    assert.notEqual(await engine.inspectImage(images[0] ?? ""), null);
  });

  test("the other fleets and created agents destroy in turn, leaving nothing", async () => {
    const ops = await fleet(["destroy", "-f", file("ops.yaml"), "-y"]);
    assert.match(ops.stdout, /Destroy complete! Resources: 0 added, 0 changed, 2 destroyed\./);
    await fleet(["destroy", "-f", file("site.yaml"), "-y"]);
    const created = await fleet(["destroy", "scratch", "helper@local", "remote-scratch", "-y"]);
    assert.equal(
      created.stdout,
      "Destroyed scratch@local.\nDestroyed helper@laptop.\nDestroyed remote-scratch@box.\n",
    );
    assert.deepEqual(await list(), []);
    assert.deepEqual(await f.remoteSessions(), []);
  });
});
