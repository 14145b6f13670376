import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);
const SECRET = "s3cr3t-value-that-must-never-show";

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("everyday agent commands", () => {
  let sb: Sandbox;
  let file: string;
  let repo: string;
  before(async () => {
    sb = await makeSandbox("agent-cmds");
    repo = await sb.gitRepo("project", { "README.md": "hello\n", "src.txt": "v1\n" });
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: daily
agents:
  echo:
    agent: command
    command: 'while IFS= read -r line; do echo "heard: $line"; done'
    env: { COLOR: teal }
    secrets: [FLEET_TEST_TOKEN]
  worker:
    agent: command
    command: "sleep 600"
    workdir: { from: ${JSON.stringify(repo)} }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"], {
      env: { FLEET_TEST_TOKEN: SECRET },
    });
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => sb.cleanup());

  test("exec prints the env value set in the file", async () => {
    const result = await sb.fleet(["exec", "echo", "--", "printenv", "COLOR"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "teal");
  });

  test("exec passes the command's exit code through", async () => {
    const result = await sb.fleet(["exec", "echo", "--", "sh", "-c", "exit 7"]);
    assert.equal(result.code, 7);
  });

  test("exec runs in the agent's work dir on its branch", async () => {
    const result = await sb.fleet([
      "exec",
      "worker",
      "--",
      "git",
      "rev-parse",
      "--abbrev-ref",
      "HEAD",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "fleet/worker");
  });

  test("a message reaches a line-reading agent and shows in its transcript", async () => {
    const sent = await sb.fleet(["message", "echo", "hello"]);
    assert.equal(sent.code, 0, sent.stderr);
    const transcript = await waitFor(async () => {
      const r = await sb.fleet(["transcript", "echo"]);
      return r.stdout.includes("heard: hello") ? r.stdout : undefined;
    });
    assert.match(transcript, /heard: hello/);
  });

  test("a message can come on stdin", async () => {
    const sent = await sb.fleet(["message", "echo"], { input: "from stdin\n" });
    assert.equal(sent.code, 0, sent.stderr);
    await waitFor(async () =>
      (await sb.fleet(["transcript", "echo"])).stdout.includes("heard: from stdin"),
    );
  });

  test("the secret reaches the agent but no plan, list, log, event or file", async () => {
    const inAgent = await sb.fleet(["exec", "echo", "--", "printenv", "FLEET_TEST_TOKEN"]);
    // exec is a fresh process in the work dir: it gets the file's env, not secrets.
    assert.doesNotMatch(inAgent.stdout, new RegExp(SECRET));
    await sb.fleet(["message", "echo", "show-secret"]);
    const outputs = await Promise.all([
      sb.fleet(["plan", "-f", file], { env: { FLEET_TEST_TOKEN: SECRET } }),
      sb.fleet(["plan", "-f", file, "--format", "json"], { env: { FLEET_TEST_TOKEN: SECRET } }),
      sb.fleet(["plan", "-f", file, "--format", "markdown"], { env: { FLEET_TEST_TOKEN: SECRET } }),
      sb.fleet(["list", "--json"]),
      sb.fleet(["logs", "echo"]),
      sb.fleet(["logs", "echo", "--json"]),
    ]);
    for (const output of outputs)
      assert.doesNotMatch(output.stdout + output.stderr, new RegExp(SECRET));
    for (const path of await allFiles(sb.home)) {
      const content = await readFile(path, "utf8").catch(() => "");
      assert.doesNotMatch(content, new RegExp(SECRET), `secret found in ${path}`);
    }
    const ps = await execFileAsync("ps", ["-eo", "args"]);
    assert.doesNotMatch(ps.stdout, new RegExp(SECRET));
  });

  test("the secret is in the agent process's environment", async () => {
    await sb.fleet(["message", "echo", "x"]);
    const pid = (
      await sb.tmux(["display-message", "-p", "-t", `${sb.prefix}echo:agent`, "#{pane_pid}"])
    ).stdout.trim();
    const environ = await readFile(`/proc/${pid}/environ`, "utf8");
    assert.ok(environ.split("\0").includes(`FLEET_TEST_TOKEN=${SECRET}`));
  });

  test("logs show the agent's events", async () => {
    const result = await sb.fleet(["logs", "echo", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const { events } = JSON.parse(result.stdout) as { events: { type: string }[] };
    assert.ok(events.some((e) => e.type === "created"));
    assert.ok(events.some((e) => e.type === "message"));
  });

  test("stop keeps the agent as STOPPED and start brings it back", async () => {
    assert.equal((await sb.fleet(["stop", "worker"])).code, 0);
    let list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as {
      agents: { name: string; state: string }[];
    };
    assert.equal(list.agents.find((a) => a.name === "worker")?.state, "STOPPED");
    assert.equal((await sb.fleet(["start", "worker"])).code, 0);
    list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as typeof list;
    assert.equal(list.agents.find((a) => a.name === "worker")?.state, "RUNNING");
  });

  test("destroying an agent with uncommitted changes keeps them and says where", async () => {
    const work = (await sb.fleet(["exec", "worker", "--", "pwd"])).stdout.trim();
    await writeFile(join(work, "src.txt"), "v2 uncommitted\n");
    await writeFile(join(work, "new-file.txt"), "untracked work\n");
    const destroyed = await sb.fleet(["destroy", "worker", "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr);
    const output = destroyed.stdout + destroyed.stderr;
    assert.match(output, /saved/i);
    // The branch in the source repo now carries the saved work.
    const show = await execFileAsync("git", ["show", "fleet/worker:new-file.txt"], { cwd: repo });
    assert.equal(show.stdout, "untracked work\n");
    const src = await execFileAsync("git", ["show", "fleet/worker:src.txt"], { cwd: repo });
    assert.equal(src.stdout, "v2 uncommitted\n");
    assert.match(output, /fleet\/worker/);
  });

  test("an unknown agent name is a clear error in every command", async () => {
    for (const args of [
      ["exec", "nobody", "--", "true"],
      ["message", "nobody", "hi"],
      ["transcript", "nobody"],
      ["logs", "nobody"],
      ["stop", "nobody"],
      ["start", "nobody"],
      ["destroy", "nobody", "-y"],
    ]) {
      const result = await sb.fleet(args);
      assert.notEqual(result.code, 0, args.join(" "));
      assert.match(result.stderr, /no agent named "nobody"/, args.join(" "));
    }
  });
});
