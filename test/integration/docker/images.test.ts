/**
 * Images of docker hosts: `build:` builds one here from a Dockerfile; an image
 * that does not exist, or lacks what fleet needs inside, fails with what is
 * missing and how to fix it, and no container is left behind.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker images");
const test = testWith(skip);

describe("docker host images", { timeout: 240_000 }, () => {
  let f: DockerFixture;

  const context = async (name: string, dockerfile: string): Promise<void> => {
    const dir = join(f.sb.dir, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "Dockerfile"), dockerfile);
    await writeFile(join(dir, "hello.txt"), "from the build context\n");
  };
  const containers = async () =>
    (await f.client.listContainers({ all: true, filters: { name: [`^/${f.sb.prefix}`] } })).map(
      (c) => c.Names[0],
    );

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-images");
    f.images.push(
      `fleet-build/${f.sb.prefix}ibuilt:latest`,
      `fleet-build/${f.sb.prefix}inotmux:latest`,
    );
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("build: makes the host's image from a Dockerfile and its context", async () => {
    await context("good", `FROM ${baseImage}\nCOPY hello.txt /etc/hello.txt\n`);
    const file = await f.file(
      `version: 1
name: dockimg
hosts:
  ibuilt: { provider: docker, build: { context: ./good } }
agents:
  k: { command: "sleep 3600", host: ibuilt }
`,
      "built.yaml",
    );
    await f.fleet(["apply", "-f", file, "-y"]);
    const hello = await f.fleet(["exec", "k", "--", "cat", "/etc/hello.txt"]);
    assert.equal(hello.stdout, "from the build context\n");
    const info = await f.client.inspectContainer(f.container("ibuilt"));
    const built = await f.client.inspectImage(`fleet-build/${f.sb.prefix}ibuilt:latest`);
    assert.equal(info.Image, built?.Id);
  });

  test("an image without tmux is refused, naming what is missing, and nothing is created", async () => {
    await context("notmux", `FROM ${baseImage}\nRUN rm -f /usr/bin/tmux\n`);
    const file = await f.file(
      `version: 1
name: dockimg2
hosts:
  inotmux: { provider: docker, build: { context: ./notmux } }
agents:
  m: { command: "sleep 3600", host: inotmux }
`,
      "notmux.yaml",
    );
    const before = await containers();
    const result = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(result.code, 1);
    const output = result.stdout + result.stderr;
    assert.match(output, /lacks tmux, which fleet needs inside the container; nothing was created/);
    assert.deepEqual(await containers(), before);
  });

  test("an image that is not on this machine is refused with how to get one", async () => {
    const file = await f.file(
      `version: 1
name: dockimg3
hosts:
  inone: { provider: docker, image: "fleet/does-not-exist:1" }
`,
      "missing.yaml",
    );
    const result = await f.sb.fleet(["apply", "-f", file, "-y", "--json"]);
    assert.equal(result.code, 1);
    const doc = JSON.parse(result.stdout) as {
      outcomes: { address: string; error?: { code: string; message: string; hint?: string } }[];
    };
    const error = doc.outcomes.find((o) => o.address === "hosts.inone")?.error;
    assert.equal(error?.code, "IMAGE_MISSING");
    assert.match(error?.message ?? "", /image "fleet\/does-not-exist:1" is not on this machine/);
    assert.match(error?.hint ?? "", /never pulls/);
    assert.deepEqual(
      await f.client.listContainers({
        all: true,
        filters: { name: [`^/${f.container("inone")}$`] },
      }),
      [],
    );
  });
});
