import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, waitFor } from "../../helpers/sandbox.ts";
import { execFileAsync, makeSshFixture, output, skipSsh, type SshFixture } from "./ssh-fixture.ts";

const AS_AGENT = ["-c", "user.name=agent", "-c", "user.email=agent@fleet.invalid"];
const SECRET = "ssh-s3cr3t-that-must-stay-hidden";

describe("agents on an ssh host", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;
  let repo: string;
  const git = async (...args: string[]) =>
    (await execFileAsync("git", args, { cwd: repo, env: f.sb.env })).stdout.trim();

  before(async () => {
    f = await makeSshFixture("ssh-agents");
    repo = await f.sb.gitRepo("project", { "README.md": "hello\n", "src.txt": "v1\n" });
    const plain = join(f.sb.dir, "notes");
    await execFileAsync("mkdir", ["-p", plain]);
    await execFileAsync("sh", ["-c", `echo 'plain notes' > ${plain}/notes.txt`]);
    file = await f.fleetFile(`version: 1
name: remote
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  echo:
    host: box
    command: 'while IFS= read -r line; do echo "heard: $line"; done'
    env: { COLOR: teal }
    workdir: { from: ${JSON.stringify(repo)} }
  worker: { host: box, command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }
  copied: { host: box, command: "sleep 600", workdir: { from: ${JSON.stringify(plain)} } }
  here: { command: "sleep 600", workdir: { from: ${JSON.stringify(repo)} } }
  vault: { host: box, command: "sleep 600", secrets: [FLEET_SSH_SECRET] }
`);
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"], {
      env: { FLEET_SSH_SECRET: SECRET },
    });
    assert.equal(applied.code, 0, output(applied));
  });
  after(() => f.cleanup());

  test("fleet list shows the ssh agents RUNNING on their host, next to the local one", async () => {
    const list = await f.list();
    const summary = list.agents.map((a) => `${a.name}@${a.host}:${a.state}`).sort();
    assert.deepEqual(summary, [
      "copied@box:RUNNING",
      "echo@box:RUNNING",
      "here@local:RUNNING",
      "vault@box:RUNNING",
      "worker@box:RUNNING",
    ]);
    assert.deepEqual(list.errors, []);
    const sessions = await f.remoteSessions();
    assert.deepEqual(
      sessions.sort(),
      ["copied", "echo", "vault", "worker"].map((n) => `${f.sb.prefix}${n}`),
    );
  });

  test("a second apply changes nothing", async () => {
    const planned = await f.sb.fleet(["plan", "-f", file, "--detailed-exitcode"], {
      env: { FLEET_SSH_SECRET: SECRET },
    });
    assert.equal(planned.code, 0, output(planned));
  });

  test("a secret reaches the remote agent's process through stdin, and no file on the host", async () => {
    const pid = (
      await f.sshd.remoteTmux([
        "display-message",
        "-p",
        "-t",
        `=${f.sb.prefix}vault:agent`,
        "#{pane_pid}",
      ])
    ).stdout.trim();
    // The launcher (the pane's process) sources the secret and starts the command.
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8"))
      .trim()
      .split(" ");
    const environs = await Promise.all(
      [pid, ...children].map((p) => readFile(`/proc/${p}/environ`, "utf8").catch(() => "")),
    );
    assert.ok(environs.some((env) => env.split("\0").includes(`FLEET_SSH_SECRET=${SECRET}`)));
    for (const entry of await readdir(f.sshd.remoteHome, {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      assert.doesNotMatch(await readFile(path, "utf8").catch(() => ""), new RegExp(SECRET), path);
    }
  });

  test("the work dir is a worktree on branch fleet/NAME under the host's fleet dir", async () => {
    const result = await f.sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      "pwd; git rev-parse --abbrev-ref HEAD; cat src.txt",
    ]);
    assert.equal(result.code, 0, output(result));
    assert.deepEqual(result.stdout.trim().split("\n"), [
      join(f.sshd.fleetDir, "agents", "worker", "work"),
      "fleet/worker",
      "v1",
    ]);
  });

  test("agents from the same repo share one cache repo on the host", async () => {
    const repos = (await readdir(join(f.sshd.fleetDir, "repos"))).filter((name) =>
      name.endsWith(".git"),
    );
    assert.equal(repos.length, 1, repos.join(", "));
    assert.match(repos[0] ?? "", /^project-[0-9a-f]{12}\.git$/);
  });

  test("a plain dir is copied into the work dir", async () => {
    const result = await f.sb.fleet(["exec", "copied", "--", "cat", "notes.txt"]);
    assert.equal(result.code, 0, output(result));
    assert.equal(result.stdout, "plain notes\n");
  });

  test("exec passes stdin through and its exit code back", async () => {
    const result = await f.sb.fleet(
      ["exec", "echo", "--", "sh", "-c", 'read -r line; echo "got $line $COLOR"; exit 7'],
      { input: "from-stdin\n" },
    );
    assert.equal(result.code, 7, output(result));
    assert.equal(result.stdout, "got from-stdin teal\n");
  });

  test("a message reaches the agent and shows in its transcript", async () => {
    const sent = await f.sb.fleet(["message", "echo", "hello over ssh"]);
    assert.equal(sent.code, 0, output(sent));
    const transcript = await waitFor(async () => {
      const result = await f.sb.fleet(["transcript", "echo"]);
      return result.stdout.includes("heard: hello over ssh") ? result.stdout : undefined;
    });
    assert.match(transcript, /heard: hello over ssh/);
  });

  test("transcript --follow over ssh prints a line the agent says after it started", async () => {
    const child = spawn(process.execPath, [fleetBin, "transcript", "echo", "--follow"], {
      env: f.sb.env,
      stdio: "pipe",
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
    try {
      await waitFor(() => Promise.resolve(out.includes("heard: hello over ssh") || undefined));
      const sent = await f.sb.fleet(["message", "echo", "said while followed"]);
      assert.equal(sent.code, 0, output(sent));
      await waitFor(() => Promise.resolve(out.includes("heard: said while followed") || undefined));
    } finally {
      child.kill("SIGINT");
      await closed;
    }
  });

  test("connect attaches to the agent's terminal over ssh -t, and detaching ends it", async () => {
    // `script` gives fleet the terminal connect needs.
    const child = spawn(
      "script",
      ["-qfec", `${process.execPath} ${fleetBin} connect echo`, "/dev/null"],
      {
        env: { ...f.sb.env, TERM: "xterm" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let screen = "";
    child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await waitFor(() => Promise.resolve(screen.includes("heard: hello over ssh")));
    child.stdin.write("\x02d"); // tmux's detach: C-b d
    assert.equal(await closed, 0, screen);
    assert.match(screen, new RegExp(`\\[detached \\(from session ${f.sb.prefix}echo\\)\\]`));
  });

  test("a commit made in the agent's work dir comes back with fleet pull", async () => {
    const committed = await f.sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      `echo agent-work > agent.txt && git add agent.txt && git ${AS_AGENT.join(" ")} commit -qm "agent commit"`,
    ]);
    assert.equal(committed.code, 0, output(committed));
    const pulled = await f.sb.fleet(["pull", "worker", "--json"]);
    assert.equal(pulled.code, 0, output(pulled));
    const result = (
      JSON.parse(pulled.stdout) as { pulled: { branch: string; commits: number; shared: boolean } }
    ).pulled;
    assert.deepEqual([result.branch, result.commits, result.shared], ["fleet/worker", 1, false]);
    assert.equal(await git("log", "-1", "--format=%s", "fleet/worker"), "agent commit");
    assert.equal(await git("show", "fleet/worker:agent.txt"), "agent-work");
  });

  test("pulling again brings nothing and says it is up to date", async () => {
    const pulled = await f.sb.fleet(["pull", "worker"]);
    assert.equal(pulled.code, 0, output(pulled));
    assert.match(pulled.stdout, /up to date/);
  });

  test("fleet push fast-forwards the agent's work dir to a local commit", async () => {
    await git("worktree", "add", "-q", join(f.sb.dir, "side"), "fleet/worker");
    const side = (...args: string[]) =>
      execFileAsync("git", args, { cwd: join(f.sb.dir, "side"), env: f.sb.env });
    await execFileAsync("sh", ["-c", "echo from-local > local.txt"], {
      cwd: join(f.sb.dir, "side"),
    });
    await side("add", "local.txt");
    await side("commit", "-qm", "local commit");
    const pushed = await f.sb.fleet(["push", "worker"]);
    assert.equal(pushed.code, 0, output(pushed));
    assert.match(pushed.stdout, /Pushed 1 commit/);
    const log = await f.sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      "git log -1 --format=%s; cat local.txt",
    ]);
    assert.equal(log.stdout, "local commit\nfrom-local\n");
    await git("worktree", "remove", "--force", join(f.sb.dir, "side"));
  });

  test("push refuses to overwrite the agent's uncommitted changes", async () => {
    const dirty = await f.sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      "echo unsaved > local.txt",
    ]);
    assert.equal(dirty.code, 0, output(dirty));
    await git("worktree", "add", "-q", join(f.sb.dir, "side2"), "fleet/worker");
    const side = (...args: string[]) =>
      execFileAsync("git", args, { cwd: join(f.sb.dir, "side2"), env: f.sb.env });
    await execFileAsync("sh", ["-c", "echo newer > local.txt"], { cwd: join(f.sb.dir, "side2") });
    await side("commit", "-qam", "second local commit");
    await git("worktree", "remove", "--force", join(f.sb.dir, "side2"));
    const pushed = await f.sb.fleet(["push", "worker"]);
    assert.equal(pushed.code, 1, output(pushed));
    assert.match(pushed.stderr, /uncommitted changes .*overwrite: local\.txt/);
    const content = await f.sb.fleet(["exec", "worker", "--", "cat", "local.txt"]);
    assert.equal(content.stdout, "unsaved\n");
    await f.sb.fleet(["exec", "worker", "--", "git", "checkout", "--", "local.txt"]);
  });

  test("pull refuses a branch that diverged, and --force replaces it", async () => {
    const committed = await f.sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      `echo other > agent.txt && git ${AS_AGENT.join(" ")} commit -qam "agent diverges"`,
    ]);
    assert.equal(committed.code, 0, output(committed));
    const refused = await f.sb.fleet(["pull", "worker"]);
    assert.equal(refused.code, 1, output(refused));
    assert.match(refused.stderr, /diverged/);
    assert.equal(await git("log", "-1", "--format=%s", "fleet/worker"), "second local commit");
    const forced = await f.sb.fleet(["pull", "worker", "--force"]);
    assert.equal(forced.code, 0, output(forced));
    assert.equal(await git("log", "-1", "--format=%s", "fleet/worker"), "agent diverges");
  });

  test("pull and push of a local agent say the branch is already shared", async () => {
    const pulled = await f.sb.fleet(["pull", "here"]);
    assert.equal(pulled.code, 0, output(pulled));
    assert.match(pulled.stdout, /already shared/);
    const pushed = await f.sb.fleet(["push", "here", "--json"]);
    assert.equal(
      (JSON.parse(pushed.stdout) as { pushed: { shared: boolean } }).pushed.shared,
      true,
    );
  });

  test("stop ends the remote session and start brings it back", async () => {
    assert.equal((await f.sb.fleet(["stop", "copied"])).code, 0);
    assert.ok(!(await f.remoteSessions()).includes(`${f.sb.prefix}copied`));
    assert.equal((await f.list()).agents.find((a) => a.name === "copied")?.state, "STOPPED");
    assert.equal((await f.sb.fleet(["start", "copied"])).code, 0);
    assert.equal((await f.list()).agents.find((a) => a.name === "copied")?.state, "RUNNING");
  });

  test("fleet create starts an agent on the ssh host, remembered from the apply", async () => {
    const created = await f.sb.fleet([
      "create",
      "adhoc",
      "--host",
      "box",
      "--command",
      "sleep 600",
      "--no-connect",
      "--json",
    ]);
    assert.equal(created.code, 0, output(created));
    const agent = (await f.list()).agents.find((a) => a.name === "adhoc");
    assert.deepEqual([agent?.host, agent?.state, agent?.fleet], ["box", "RUNNING", null]);
    assert.ok((await f.remoteSessions()).includes(`${f.sb.prefix}adhoc`));
  });

  test("create on the ssh host fails for a command that is not there, with its output", async () => {
    const created = await f.sb.fleet([
      "create",
      "typo",
      "--host",
      "box",
      "--command",
      "nosuchprogram",
      "--no-connect",
    ]);
    assert.equal(created.code, 1, output(created));
    assert.match(created.stderr, /agent typo on host box exited with code 127/);
    assert.match(created.stderr, /nosuchprogram: not found/);
  });

  test("destroying an ssh agent saves its unpulled commits on this machine first", async () => {
    const committed = await f.sb.fleet([
      "exec",
      "echo",
      "--",
      "sh",
      "-c",
      `echo x > only-here.txt && git add . && git ${AS_AGENT.join(" ")} commit -qm "never pulled"`,
    ]);
    assert.equal(committed.code, 0, output(committed));
    const destroyed = await f.sb.fleet(["destroy", "echo", "-y"]);
    assert.equal(destroyed.code, 0, output(destroyed));
    const saved = await readdir(join(f.sb.home, "saved"));
    const bundle = saved.find((name) => name.startsWith("echo-") && name.endsWith(".bundle"));
    assert.ok(bundle, saved.join(", "));
    const heads = await execFileAsync(
      "git",
      ["bundle", "list-heads", join(f.sb.home, "saved", bundle)],
      { cwd: repo },
    );
    assert.match(heads.stdout, /refs\/heads\/fleet\/echo/);
    assert.ok(!existsSync(join(f.sshd.fleetDir, "agents", "echo")));
    assert.ok(!(await f.remoteSessions()).includes(`${f.sb.prefix}echo`));
  });
});
