/**
 * A fork bomb inside a docker host with a pids limit. Every shell (dash, bash,
 * busybox ash) exits when a fork fails, and a container ends with its main
 * process: a keep-alive that forked to answer `fleet list` died at the first
 * probe and took the host and its agents with it. Here a root agent fills its
 * pids limit with a bomb that keeps grabbing any pid freed (perl survives a
 * failed fork and retries), `fleet list` runs while it does, and the host, its
 * agents and the other host's agent must all still be running, during and after.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe } from "node:test";
import { promisify } from "node:util";
import { waitFor } from "../../helpers/sandbox.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkip("hostile fork bomb");
const test = testWith(skip);

const PIDS = 120;
const MARK = "fleet-test-bomb";
const BOMB = `# ${MARK}\nwhile (1) { my $p = fork; if (defined $p) { if ($p == 0) { sleep 600; exit } } else { select(undef, undef, undef, 0.02) } }`;

interface ListJson {
  agents: { name: string; host: string; state: string }[];
  errors: { host: string; error: { code: string; message: string } }[];
}

describe("a fork bomb in one docker host", { timeout: 280_000 }, () => {
  let f: DockerFixture;
  let cgroup = "";
  let startedAt = "";

  const list = async (): Promise<ListJson> => {
    const result = await f.sb.fleet(["list", "--json"]);
    assert.match(result.stdout, /^\{/, result.stderr);
    return JSON.parse(result.stdout) as ListJson;
  };
  const stateOf = (doc: ListJson, agent: string) => doc.agents.find((a) => a.name === agent)?.state;

  /** The container's pids cgroup directory on this machine (cgroup v1 or v2). */
  const pidsCgroup = async (pid: number): Promise<string> => {
    const lines = (await readFile(`/proc/${pid}/cgroup`, "utf8")).split("\n");
    const v1 = lines.find((line) => /^\d+:([^:]*,)?pids(,[^:]*)?:/.test(line));
    if (v1 !== undefined) return `/sys/fs/cgroup/pids${v1.split(":")[2] ?? ""}`;
    const v2 = lines.find((line) => line.startsWith("0::"));
    return `/sys/fs/cgroup${v2?.slice(3) ?? ""}`;
  };
  const pidsNow = async (): Promise<number> =>
    Number((await readFile(`${cgroup}/pids.current`, "utf8")).trim());

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("hostile-bomb");
    const file = await f.file(`version: 1
name: hostbomb
hosts:
  hbomb: { provider: docker, image: ${baseImage}, resources: { pids: ${PIDS} } }
  hother: { provider: docker, image: ${baseImage} }
agents:
  a1: { command: "sleep 3600", host: hbomb }
  a2: { command: "sleep 3600", host: hbomb }
  other: { command: "sleep 3600", host: hother }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
    const info = await f.client.inspectContainer(f.container("hbomb"));
    startedAt = info.State.StartedAt;
    cgroup = await pidsCgroup(info.State.Pid);
    assert.equal((await readFile(`${cgroup}/pids.max`, "utf8")).trim(), String(PIDS));
  });

  after(async () => {
    if (skip !== false) return;
    await killBomb().catch(() => undefined);
    await f.cleanup();
  });

  /** Kills, from this machine, the processes of the bomb this test started (by pid, by its mark). */
  const killBomb = async (): Promise<number> => {
    const procs = (await readFile(`${cgroup}/cgroup.procs`, "utf8")).split("\n").filter(Boolean);
    let killed = 0;
    for (const pid of procs) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (!cmdline.includes(MARK)) continue;
      try {
        process.kill(Number(pid), "SIGKILL");
        killed++;
      } catch {
        // already gone
      }
    }
    return killed;
  };

  test("while the bomb holds every pid, `fleet list` leaves the host up and lists the rest", async () => {
    await execFileAsync("docker", ["exec", "-d", f.container("hbomb"), "perl", "-e", BOMB]);
    await waitFor(async () => ((await pidsNow()) >= PIDS ? true : undefined), 60_000);
    for (let i = 0; i < 3; i++) {
      const doc = await list();
      if (i === 0) console.log(`# fleet list during the bomb: ${JSON.stringify(doc.errors)}`);
      assert.equal(stateOf(doc, "other"), "RUNNING");
      const bombed = doc.errors.find((e) => e.host === "hbomb");
      const a1 = stateOf(doc, "a1");
      // What can be known is reported: the agents, or an error saying why they cannot be read.
      assert.ok(
        a1 === "RUNNING" || bombed?.error.code === "HOST_PIDS_EXHAUSTED",
        JSON.stringify(doc),
      );
      const info = await f.client.inspectContainer(f.container("hbomb"));
      assert.equal(info.State.Running, true);
      assert.equal(info.State.StartedAt, startedAt);
    }
  });

  test("after the bomb, the host and both its agents are still running", async () => {
    assert.ok((await killBomb()) > 0);
    await waitFor(async () => ((await pidsNow()) < PIDS / 2 ? true : undefined), 30_000);
    const doc = await list();
    assert.deepEqual(doc.errors, []);
    assert.equal(stateOf(doc, "a1"), "RUNNING");
    assert.equal(stateOf(doc, "a2"), "RUNNING");
    assert.equal(stateOf(doc, "other"), "RUNNING");
    const info = await f.client.inspectContainer(f.container("hbomb"));
    assert.equal(info.State.StartedAt, startedAt);
    const ran = await f.fleet(["exec", "a1", "--", "echo", "alive"]);
    assert.equal(ran.stdout, "alive\n");
  });
});
