/**
 * What fleet leaves in a docker host's /fleet and an ssh host's ~/.fleet is
 * 0700 (directories) and 0600 (files) after create, message, stop and destroy,
 * whatever the image's or the login's umask. The contents of agents' work dirs
 * are the agents' own files and are not checked (their dir itself is).
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test as nodeTest } from "node:test";
import { BASE_ENV_NAMES } from "../../../src/core/host/agent-env.ts";
import { wrongModes } from "../../helpers/proc-env.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  type DockerFixture,
} from "../docker/docker-fixture.ts";
import { makeSshFixture, output, skipSsh, type SshFixture } from "../ssh/ssh-fixture.ts";

const skipDocker = await dockerSkip("docker file modes");

async function plainSource(dir: string): Promise<string> {
  const source = join(dir, "notes");
  await mkdir(source, { recursive: true });
  await writeFile(join(source, "notes.txt"), "keep me\n");
  return source;
}

/** `find` inside the container: every path under /fleet whose mode is not private. */
async function containerWrongModes(f: DockerFixture, host: string): Promise<string> {
  const result = await f.client.exec(f.container(host), [
    "sh",
    "-c",
    "find /fleet -mindepth 1 \\( -path '*/work/*' -prune \\) -o \\( -type d ! -perm 0700 -print \\) -o \\( -type f ! -perm 0600 -print \\)",
  ]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

describe("file modes in a docker host's /fleet", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;

  before(async () => {
    if (skipDocker !== false) return;
    f = await dockerFixture("docker-modes");
    const source = await plainSource(f.sb.dir);
    file = await f.file(`version: 1
name: modes
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  reader: { host: box, command: cat, workdir: ${JSON.stringify(source)} }
`);
  });
  after(async () => {
    if (skipDocker !== false) return;
    await f.cleanup();
  });

  nodeTest(
    "are 0700/0600 after apply, message, stop and destroy",
    { skip: skipDocker },
    async () => {
      await f.fleet(["apply", "-f", file, "-y"]);
      assert.equal(await containerWrongModes(f, "box"), "", "after create");
      // The agent's process has the base, its env and FLEET_* only, in a container too.
      const environ = await f.client.exec(f.container("box"), [
        "sh",
        "-c",
        `tr '\\0' '\\n' < /proc/$(tmux display -p -t =${f.sb.prefix}reader:agent '#{pane_pid}')/environ`,
      ]);
      assert.equal(environ.code, 0, environ.stderr);
      const names = environ.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(0, line.indexOf("=")));
      assert.ok(names.includes("FLEET_AGENT"), environ.stdout);
      const allowed = new Set<string>([...BASE_ENV_NAMES, "PWD", "OLDPWD", "SHLVL", "_"]);
      assert.deepEqual(
        names.filter((name) => !allowed.has(name) && !name.startsWith("FLEET_")),
        [],
      );
      await f.fleet(["message", "reader", "hello"]);
      await waitFor(async () =>
        (await f.sb.fleet(["transcript", "reader"])).stdout.includes("hello"),
      );
      assert.equal(await containerWrongModes(f, "box"), "", "after message");
      await f.fleet(["stop", "reader"]);
      assert.equal(await containerWrongModes(f, "box"), "", "after stop");
      await f.fleet(["destroy", "reader", "-y"]);
      assert.equal(await containerWrongModes(f, "box"), "", "after destroy");
      // The work saved on the controller is private too.
      assert.deepEqual(
        wrongModes(f.sb.home, () => false),
        [],
      );
    },
  );
});

describe("file modes in an ssh host's ~/.fleet", { skip: skipSsh }, () => {
  let f: SshFixture;
  let file: string;

  before(async () => {
    f = await makeSshFixture("ssh-modes");
    const source = await plainSource(f.sb.dir);
    file = await f.fleetFile(`version: 1
name: modes
hosts:
  box: ${f.sshd.hostEntry({ hostKey: f.sshd.hostKey })}
agents:
  reader: { host: box, command: cat, workdir: ${JSON.stringify(source)} }
`);
  });
  after(() => f.cleanup());

  const expectPrivate = (when: string): void => {
    assert.deepEqual(
      wrongModes(f.sshd.fleetDir, (path) => path.endsWith("/work")),
      [],
      `modes after ${when}`,
    );
  };

  nodeTest("are 0700/0600 after apply, message, stop and destroy", async () => {
    // The login's umask is sshd's default (022): fleet must not rely on it.
    const applied = await f.sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, output(applied));
    expectPrivate("create");
    const sent = await f.sb.fleet(["message", "reader", "hello"]);
    assert.equal(sent.code, 0, output(sent));
    await waitFor(async () =>
      (await f.sb.fleet(["transcript", "reader"])).stdout.includes("hello"),
    );
    expectPrivate("message");
    const stopped = await f.sb.fleet(["stop", "reader"]);
    assert.equal(stopped.code, 0, output(stopped));
    expectPrivate("stop");
    const destroyed = await f.sb.fleet(["destroy", "reader", "-y"]);
    assert.equal(destroyed.code, 0, output(destroyed));
    expectPrivate("destroy");
    assert.deepEqual(
      wrongModes(f.sb.home, () => false),
      [],
    );
  });
});
