/**
 * `fleet pair` with an agent in a docker host (real dockerd, tmux and git in the
 * container): both ways through `docker exec`, and a conflict that stops it and
 * changes nothing. Skipped unless FLEET_TEST_DOCKER=1 and the engine answers.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "../docker/docker-fixture.ts";
import { pairCases, type PairHost } from "./pair-harness.ts";

const skip = await dockerSkip("docker pair");
const test = testWith(skip);

describe("fleet pair with an agent in a docker host", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let h: PairHost;

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("pair-docker");
    const repo = await f.sb.gitRepo("proj", { "README.md": "# proj\n" });
    const file = await f.file(`version: 1
name: pairing
hosts:
  pbox: { provider: docker, image: ${baseImage} }
agents:
  w: { command: "sleep 3600", host: pbox, workdir: ./proj }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
    const inAgent = (script: string, ...args: string[]) =>
      f.fleet(["exec", "w", "--", "sh", "-c", script, "sh", ...args]);
    h = {
      sb: f.sb,
      agent: "w",
      checkout: repo,
      async readAgent(path) {
        const read = await f.sb.fleet(["exec", "w", "--", "cat", "--", path]);
        return read.code === 0 ? read.stdout : undefined;
      },
      async writeAgent(path, content) {
        await inAgent('printf %s "$1" > "$2"', content, path);
      },
      async removeAgent(path) {
        await inAgent('rm -- "$1"', path);
      },
      latencies: [],
    };
  });
  after(async () => {
    if (skip !== false) return;
    for (const { what, ms } of h.latencies) console.log(`# docker pair latency ${what}: ${ms} ms`);
    await f.cleanup();
  });

  pairCases(() => h, test);

  test("a stopped docker host is a clear error with the command that starts it, and nothing is written", async () => {
    await writeFile(join(h.checkout, "while-stopped.txt"), "x\n");
    await f.client.stopContainer(f.container("pbox"), 1);
    const result = await f.sb.fleet(["pair", "w"], { cwd: h.checkout, timeoutMs: 60_000 });
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /agent w is STOPPED/);
    assert.match(result.stderr, /fleet start w/);
    assert.equal(result.stdout, "");
    await f.fleet(["start", "w"]);
    assert.equal(await h.readAgent("while-stopped.txt"), undefined);
  });
});
