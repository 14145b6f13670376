/**
 * An agent's work in a docker host: the project arrives as a git clone on branch
 * fleet/<agent> (no bind mount), commits come back with `fleet pull` and go in
 * with `fleet push`, and destroying the host never loses what was not pulled.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("docker work dirs");
const test = testWith(skip);

describe("docker work dirs, pull, push and destroy", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;
  let repo: string;
  const git = async (...args: string[]): Promise<string> =>
    (await execFileAsync("git", args, { cwd: repo, env: f.sb.env })).stdout;
  const inAgent = (script: string) => f.fleet(["exec", "w", "--", "sh", "-c", script]);
  const commitInAgent = (message: string, fileName: string) =>
    inAgent(
      `echo ${fileName} > ${fileName} && git add ${fileName} && git -c user.name=agent -c user.email=agent@fleet.invalid commit -qm '${message}'`,
    );

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-work");
    repo = await f.sb.gitRepo("proj", { "README.md": "# proj\n" });
    file = await f.file(`version: 1
name: dockwork
hosts:
  wbox: { provider: docker, image: ${baseImage} }
agents:
  w: { command: "sleep 3600", host: wbox, workdir: ./proj }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("the work dir is a git checkout of branch fleet/w inside the container, not a mount", async () => {
    const branch = await inAgent("git branch --show-current; cat README.md");
    assert.equal(branch.stdout, "fleet/w\n# proj\n");
    const info = await f.client.inspectContainer(f.container("wbox"));
    // The one mount is the agents' bus's socket dir, read-only; nothing of the project.
    const busRun = `${f.sb.home}/bus/run`;
    assert.deepEqual(info.HostConfig.Binds ?? [], [`${busRun}:/run/fleet-bus:ro`]);
    const mounts = (
      info as unknown as { Mounts: { Source: string; Destination: string; RW: boolean }[] }
    ).Mounts;
    assert.deepEqual(
      mounts.map((m) => [m.Source, m.Destination, m.RW]),
      [[busRun, "/run/fleet-bus", false]],
    );
  });

  test("a commit made by the agent comes back with fleet pull", async () => {
    await commitInAgent("agent: first change", "first.txt");
    const pulled = await f.fleet(["pull", "w", "--json"]);
    assert.equal((JSON.parse(pulled.stdout) as { pulled: { commits: number } }).pulled.commits, 1);
    assert.equal((await git("log", "-1", "--format=%s", "fleet/w")).trim(), "agent: first change");
    assert.equal(await git("show", "fleet/w:first.txt"), "first.txt\n");
  });

  test("a local commit on fleet/w reaches the agent with fleet push", async () => {
    await git("worktree", "add", "-q", join(f.sb.dir, "wt"), "fleet/w");
    const wt = join(f.sb.dir, "wt");
    await execFileAsync(
      "sh",
      ["-c", "echo mine > mine.txt && git add mine.txt && git commit -qm 'me: local change'"],
      {
        cwd: wt,
        env: f.sb.env,
      },
    );
    await git("worktree", "remove", wt);
    await f.fleet(["push", "w"]);
    const log = await inAgent("git log -1 --format=%s; cat mine.txt");
    assert.equal(log.stdout, "me: local change\nmine\n");
  });

  test("destroying the host saves the agent's unpulled commit and uncommitted file", async () => {
    await commitInAgent("agent: never pulled", "late.txt");
    await inAgent("echo draft > draft.txt");
    const destroyed = await f.fleet(["destroy", "-f", file, "-y"]);
    assert.match(destroyed.stdout, /Saved work of agents\.w \(bundle\)/);
    const saved = await readdir(join(f.sb.home, "saved"));
    const bundle = saved.find((name) => name.startsWith("w-") && name.endsWith(".bundle"));
    assert.ok(bundle, `no bundle in ${saved.join(", ")}`);
    await git("fetch", "-q", join(f.sb.home, "saved", bundle), "fleet/w:refs/heads/restored");
    const subjects = await git("log", "--format=%s", "restored");
    assert.match(subjects, /fleet: saved uncommitted work of w/);
    assert.match(subjects, /agent: never pulled/);
    assert.equal(await git("show", "restored:draft.txt"), "draft\n");
    const left = await f.client.listContainers({
      all: true,
      filters: { name: [`^/${f.sb.prefix}`] },
    });
    assert.deepEqual(left, []);
  });
});
