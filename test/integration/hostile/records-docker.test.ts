/**
 * A hostile docker host: as root inside the container (docker exec, as an agent
 * there would), the attacker rewrites its agent record (secrets, workdir.from,
 * branch, command) and forges what git reports (commit ids that are options).
 * Nothing of the controller may be reached: no secret in the container, no
 * controller dir copied in, no controller branch moved, no file written; the
 * tampered record is reported by list and plan and refused by start, pull,
 * push, exec and apply.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("hostile docker host");
const test = testWith(skip);

const TOKEN = "declared-token-value";
const CONTROLLER_ONLY = "controller-only-s3cr3t";

interface ListJson {
  agents: { name: string; host: string; state: string }[];
  errors: { host: string; agent?: string; state?: string; error: { code: string } }[];
}

describe("a hostile docker host cannot reach the controller", { timeout: 280_000 }, () => {
  let f: DockerFixture;
  let file: string;
  let repo: string;
  let secretDir: string;
  const env = (): NodeJS.ProcessEnv => ({ FLEET_TEST_TOKEN: TOKEN, CONTROLLER_ONLY });
  const git = async (...args: string[]): Promise<string> =>
    (await execFileAsync("git", args, { cwd: repo, env: f.sb.env })).stdout.trim();
  /** A shell command as root inside the host's container. */
  const asRoot = async (script: string): Promise<string> =>
    (await execFileAsync("docker", ["exec", "-u", "0", f.container("hbox"), "sh", "-c", script]))
      .stdout;
  const run = (args: string[]) => f.sb.fleet(args, { env: env() });
  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("hostile-docker");
    repo = await f.sb.gitRepo("proj", { "README.md": "# proj\n" });
    secretDir = join(f.sb.dir, "controller-private");
    await mkdir(secretDir);
    await writeFile(join(secretDir, "controller-secret.txt"), "private\n");
    file = await f.file(`version: 1
name: hostile
hosts:
  hbox: { provider: docker, image: ${baseImage} }
agents:
  h: { command: "sleep 3600", host: hbox, workdir: ./proj, secrets: [FLEET_TEST_TOKEN] }
  g: { command: "sleep 3600", host: hbox, workdir: ./proj }
  d: { command: "sleep 3600", host: hbox }
`);
    await f.fleet(["apply", "-f", file, "-y"], 0, env());
    await f.fleet(["stop", "h"], 0, env());
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  /** sed edits of the one-line JSON: the image has no python or node. */
  const rewrite = (agent: string, ...seds: string[]) =>
    asRoot(
      `f=/fleet/agents/${agent}/agent.json; sed ${seds.map((s) => `-e '${s}'`).join(" ")} "$f" > "$f.new" && mv "$f.new" "$f" && cat "$f"`,
    );

  test("root in the container rewrites h's record: secrets, workdir.from, branch, command", async () => {
    const main = await git("rev-parse", "main");
    const text = await rewrite(
      "h",
      's/"secrets":\\["FLEET_TEST_TOKEN"\\]/"secrets":["FLEET_TEST_TOKEN","CONTROLLER_ONLY"]/',
      `s#"from":"[^"]*"#"from":"${secretDir}"#`,
      's#"branch":"fleet/h"#"branch":"main"#',
      's#"command":"sleep 3600"#"command":"env > /tmp/leak; sleep 3600"#',
    );
    assert.match(text, /CONTROLLER_ONLY/);
    assert.match(text, /controller-private/);
    assert.match(text, /"branch":"main"/);
    assert.equal(await git("rev-parse", "main"), main);
  });

  test("fleet list reports h as TAMPERED (text and JSON) and still lists g and d", async () => {
    const json = await run(["list", "--json"]);
    assert.equal(json.code, 1, json.stderr);
    const list = JSON.parse(json.stdout) as ListJson;
    assert.deepEqual(list.agents.map((a) => a.name).sort(), ["d", "g"]);
    const error = list.errors.find((e) => e.agent === "h");
    assert.equal(error?.error.code, "RECORD_TAMPERED");
    assert.equal(error?.state, "TAMPERED");
    const text = await run(["list"]);
    assert.match(text.stdout, /^h\s+hbox\s+TAMPERED/m);
    assert.match(text.stderr, /fleet adopt h@hbox/);
  });

  test("fleet plan reports h as TAMPERED and plans nothing for it", async () => {
    const plan = await run(["plan", "-f", file, "--format", "json"]);
    const doc = JSON.parse(plan.stdout) as {
      changes: { address: string }[];
      conflicts: { address: string; message: string }[];
    };
    assert.equal(doc.changes.filter((c) => c.address === "agents.h").length, 0);
    assert.match(doc.conflicts.find((c) => c.address === "agents.h")?.message ?? "", /TAMPERED/);
    const text = await run(["plan", "-f", file]);
    assert.match(text.stdout, /agents\.h: agent h@hbox is TAMPERED/);
  });

  test("start, pull, push, exec and message refuse the tampered agent", async () => {
    const before = await git("rev-parse", "main");
    for (const args of [
      ["start", "h"],
      ["pull", "h", "--repo", repo],
      ["push", "h", "--repo", repo],
      ["exec", "h", "--", "true"],
      ["message", "h", "hello"],
    ]) {
      const result = await run(args);
      assert.notEqual(result.code, 0, args.join(" "));
      assert.match(result.stderr, /TAMPERED/, `${args.join(" ")}: ${result.stderr}`);
    }
    assert.equal(await git("rev-parse", "main"), before);
  });

  test("apply does not act on the tampered record either", async () => {
    const main = await git("rev-parse", "main");
    const applied = await run(["apply", "-f", file, "-y"]);
    assert.match(applied.stdout + applied.stderr, /TAMPERED/);
    assert.equal(await git("rev-parse", "main"), main);
    // h stays stopped: its session was not started from the tampered record.
    assert.equal(
      (await asRoot("tmux ls -F '#{session_name}' 2>/dev/null; exit 0")).includes(
        `${f.sb.prefix}h\n`,
      ),
      false,
    );
  });

  test("nothing of the controller reached the container: no secret, no dir, no leak", async () => {
    const environ = await asRoot(
      "for e in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $e; done 2>/dev/null; exit 0",
    );
    assert.doesNotMatch(environ, new RegExp(CONTROLLER_ONLY));
    const found = await asRoot(
      "find / -xdev -name controller-secret.txt 2>/dev/null; [ ! -e /tmp/leak ] || echo LEAK",
    );
    assert.equal(found.trim(), "");
  });

  test("forged commit ids from the host's git are refused: no controller file written", async () => {
    const target = join(f.sb.dir, "pwned");
    await asRoot(
      `printf '%s\\n' '#!/bin/sh' 'case "$1" in rev-parse) echo "--output=${target}"; exit 0;; esac' 'exec /usr/bin/git "$@"' > /usr/local/bin/git && chmod 755 /usr/local/bin/git`,
    );
    try {
      // A branch here to push from, so push gets as far as asking the host.
      await git("branch", "-f", "fleet/g", "main");
      const branches = await git("for-each-ref", "--format=%(refname) %(objectname)");
      const pulled = await run(["pull", "g", "--repo", repo]);
      assert.notEqual(pulled.code, 0);
      assert.match(pulled.stderr, /not a commit id/);
      const pushed = await run(["push", "g", "--repo", repo]);
      assert.notEqual(pushed.code, 0);
      assert.match(pushed.stderr, /not a commit id/);
      assert.equal(existsSync(target), false);
      assert.equal(await git("for-each-ref", "--format=%(refname) %(objectname)"), branches);
    } finally {
      await asRoot("rm -f /usr/local/bin/git");
    }
  });

  test("fleet adopt shows what a tampered record asks for and signs it", async () => {
    await rewrite("d", 's#"command":"sleep 3600"#"command":"sleep 1234"#');
    const refused = await run(["start", "d"]);
    assert.match(refused.stderr, /TAMPERED/);
    const adopted = await run(["adopt", "d", "-y"]);
    assert.equal(adopted.code, 0, adopted.stderr);
    assert.match(adopted.stderr, /command: "sleep 1234"/);
    const list = JSON.parse((await run(["list", "--json"])).stdout) as ListJson;
    assert.ok(list.agents.some((a) => a.name === "d"));
    // Adopted, it is compared with the fleet file like any agent: its command differs.
    const plan = JSON.parse((await run(["plan", "-f", file, "--format", "json"])).stdout) as {
      changes: { address: string; action: string }[];
    };
    assert.equal(plan.changes.find((c) => c.address === "agents.d")?.action, "replace");
  });

  test("fleet destroy removes the tampered agent, looking only in its own dir", async () => {
    const destroyed = await run(["destroy", "h", "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    assert.equal((await asRoot("ls /fleet/agents")).split("\n").includes("h"), false);
    assert.equal(existsSync(join(secretDir, "controller-secret.txt")), true);
  });
});
