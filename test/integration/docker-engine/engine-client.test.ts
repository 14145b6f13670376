/**
 * The Docker Engine API client against a real dockerd and the fleet/base:bookworm
 * image. Skips with the reason when the engine or the image is not available.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test as nodeTest } from "node:test";
import { promisify } from "node:util";
import { EngineClient } from "../../../providers/docker/engine-client.ts";
import { EngineErrorCode } from "../../../providers/docker/engine-errors.ts";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { baseImage, dockerSkipReason } from "./docker-test-env.ts";

const execFileAsync = promisify(execFile);
const skip = await dockerSkipReason();
if (skip !== false) console.log(`# docker-engine tests skipped: ${skip}`);

/** Rejects unless `pending` fails with a FleetError of this code; returns its message. */
async function rejectsWithCode(pending: Promise<unknown>, code: string): Promise<string> {
  let message = "";
  await assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof Error);
    assert.equal((err as Error & { code?: string }).code, code);
    message = err.message;
    return true;
  });
  return message;
}

describe("docker engine client", { timeout: 180_000 }, () => {
  // Each test carries the skip, so the runner's summary counts them as skipped.
  const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { skip }, fn);
  let sandbox: Sandbox;
  let client: EngineClient;
  let runLabel: string;
  let mainId: string;
  const images: string[] = [];

  const create = async (suffix: string, cmd = ["sleep", "infinity"]) =>
    client.createContainer(`${sandbox.prefix}${suffix}`, {
      Image: baseImage,
      Cmd: cmd,
      Labels: { "dev.fleet.test-run": runLabel, "dev.fleet.host": suffix },
      HostConfig: { Init: true, NetworkMode: "none" },
    });

  before(async () => {
    if (skip !== false) return;
    sandbox = await makeSandbox("docker-engine");
    client = new EngineClient();
    runLabel = sandbox.prefix;
    mainId = await create("main");
    await client.startContainer(mainId);
  });

  after(async () => {
    if (skip !== false) return;
    const leftovers = await client.listContainers({
      all: true,
      filters: { label: [`dev.fleet.test-run=${runLabel}`] },
    });
    for (const container of leftovers) await client.removeContainer(container.Id, { force: true });
    for (const image of images)
      await client.removeImage(image, { force: true }).catch(() => undefined);
    client.close();
    await sandbox.cleanup();
  });

  test("negotiates an API version of at least 1.41", async () => {
    const version = await client.apiVersion();
    assert.match(version, /^1\.\d+$/);
    assert.ok(Number(version.split(".")[1]) >= 41, version);
  });

  test("creates a container with its labels and an init process as pid 1", async () => {
    const info = await client.inspectContainer(mainId);
    assert.equal(info.Name, `/${sandbox.prefix}main`);
    assert.equal(info.Config.Labels?.["dev.fleet.host"], "main");
    assert.equal(info.HostConfig.Init, true);
    assert.equal(info.State.Running, true);
    const pid1 = await client.exec(mainId, ["cat", "/proc/1/cmdline"]);
    assert.match(pid1.stdout.split("\0")[0] ?? "", /docker-init|tini/);
  });

  test("lists only the containers carrying a label", async () => {
    const listed = await client.listContainers({
      all: true,
      filters: { label: [`dev.fleet.test-run=${runLabel}`, "dev.fleet.host=main"] },
    });
    assert.deepEqual(
      listed.map((c) => c.Id),
      [mainId],
    );
    assert.deepEqual(listed[0]?.Names, [`/${sandbox.prefix}main`]);
  });

  test("exec feeds stdin to the command and passes its exit code through", async () => {
    const result = await client.exec(mainId, ["sh", "-c", "cat; exit 3"], {
      input: "line one\nline two\n",
    });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, "line one\nline two\n");
  });

  test("openExec streams stdin and output until stdin is closed", async () => {
    let output = "";
    let sawReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (sawReady = resolve));
    const session = await client.openExec(
      mainId,
      ["sh", "-c", 'echo ready; while read -r line; do echo "got $line"; done; echo eof'],
      {
        onStdout: (chunk) => {
          output += chunk.toString();
          if (output.includes("ready\n")) sawReady();
        },
      },
    );
    await ready;
    session.write("one\n");
    session.write("two\n");
    session.closeStdin();
    const result = await session.result;
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "ready\ngot one\ngot two\neof\n");
    assert.equal(output, result.stdout);
  });

  test("exec keeps stdout and stderr apart", async () => {
    const result = await client.exec(mainId, ["sh", "-c", "echo out; echo err >&2; echo out2"]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "out\nout2\n");
    assert.equal(result.stderr, "err\n");
  });

  test("exec returns binary stdout byte for byte", async () => {
    const result = await client.exec(mainId, ["printf", "\\000\\001\\377abc"]);
    assert.deepEqual([...result.stdoutBytes], [0, 1, 255, 97, 98, 99]);
  });

  test("exec carries megabytes of stdin and stdout", async () => {
    const input = Buffer.alloc(3 * 1024 * 1024, "fleet ");
    const result = await client.exec(mainId, ["cat"], { input });
    assert.equal(result.code, 0);
    assert.ok(result.stdoutBytes.equals(input));
  });

  test("exec applies env, workdir and user", async () => {
    const result = await client.exec(mainId, ["sh", "-c", 'echo "$GREETING $(pwd) $(id -un)"'], {
      env: { GREETING: "hi there" },
      workdir: "/tmp",
      user: "nobody",
    });
    assert.equal(result.stdout, "hi there /tmp nobody\n");
  });

  test("exec of a missing program exits 127 with the reason on stderr", async () => {
    const result = await client.exec(mainId, ["no-such-program-xyz"]);
    assert.equal(result.code, 127);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /no-such-program-xyz/);
  });

  test("exec gives up after timeoutMs with DOCKER_TIMEOUT", async () => {
    const started = Date.now();
    await rejectsWithCode(
      client.exec(mainId, ["sleep", "30"], { timeoutMs: 500 }),
      EngineErrorCode.timeout,
    );
    assert.ok(Date.now() - started < 10_000);
  });

  test("exec in a stopped container is DOCKER_CONFLICT", async () => {
    const id = await create("stopped", ["true"]);
    const message = await rejectsWithCode(client.exec(id, ["true"]), EngineErrorCode.conflict);
    assert.match(message, /not running/);
  });

  test("putArchive then getArchive returns the same files", async () => {
    const source = join(sandbox.dir, "archive-in");
    await mkdir(join(source, "sub"), { recursive: true });
    await writeFile(join(source, "hello.txt"), "hello from the host\n");
    await writeFile(join(source, "sub", "bytes.bin"), Buffer.from([0, 1, 2, 254, 255]));
    const tar = await execFileAsync("tar", ["-C", source, "-cf", "-", "."], {
      encoding: "buffer",
    });
    await client.exec(mainId, ["mkdir", "-p", "/tmp/put-test"]);
    await client.putArchive(mainId, "/tmp/put-test", tar.stdout);

    const seen = await client.exec(mainId, ["cat", "/tmp/put-test/hello.txt"]);
    assert.equal(seen.stdout, "hello from the host\n");

    const back = await client.getArchive(mainId, "/tmp/put-test");
    const target = join(sandbox.dir, "archive-out");
    await mkdir(target);
    await writeFile(join(sandbox.dir, "back.tar"), back);
    await execFileAsync("tar", ["-C", target, "-xf", join(sandbox.dir, "back.tar")]);
    assert.equal(
      await readFile(join(target, "put-test", "hello.txt"), "utf8"),
      "hello from the host\n",
    );
    assert.deepEqual(
      [...(await readFile(join(target, "put-test", "sub", "bytes.bin")))],
      [0, 1, 2, 254, 255],
    );
  });

  test("getArchive of a missing path is DOCKER_NOT_FOUND", async () => {
    await rejectsWithCode(client.getArchive(mainId, "/no/such/path"), EngineErrorCode.notFound);
  });

  test("commit makes an image that holds the container's changes", async () => {
    await client.exec(mainId, ["sh", "-c", "echo committed > /root/marker"]);
    const repo = `fleet-test/${sandbox.prefix.replace(/-$/, "")}`;
    const imageId = await client.commitContainer(mainId, repo, "snap", {
      changes: [`LABEL dev.fleet.test-run=${runLabel}`],
    });
    images.push(`${repo}:snap`);
    assert.match(imageId, /^sha256:[0-9a-f]{64}$/);

    const image = await client.inspectImage(`${repo}:snap`);
    assert.equal(image?.Id, imageId);
    assert.equal(image.Config?.Labels?.["dev.fleet.test-run"], runLabel);

    const id = await client.createContainer(`${sandbox.prefix}from-snap`, {
      Image: `${repo}:snap`,
      Cmd: ["sleep", "infinity"],
      Labels: { "dev.fleet.test-run": runLabel },
      HostConfig: { Init: true, NetworkMode: "none" },
    });
    await client.startContainer(id);
    const marker = await client.exec(id, ["cat", "/root/marker"]);
    assert.equal(marker.stdout, "committed\n");
  });

  test("inspectImage is null for an image that does not exist", async () => {
    assert.equal(await client.inspectImage("fleet-test/no-such-image:none"), null);
  });

  test("stopContainer stops it and a second stop is not an error", async () => {
    const id = await create("stop-me");
    await client.startContainer(id);
    await client.stopContainer(id, 1);
    assert.equal((await client.inspectContainer(id)).State.Running, false);
    await client.stopContainer(id, 1);
    assert.equal((await client.inspectContainer(id)).State.Status, "exited");
  });

  test("startContainer on a running container is not an error", async () => {
    await client.startContainer(mainId);
    assert.equal((await client.inspectContainer(mainId)).State.Running, true);
  });

  test("a second container with the same name is DOCKER_CONFLICT", async () => {
    const message = await rejectsWithCode(create("main"), EngineErrorCode.conflict);
    assert.match(message, /already in use/);
  });

  test("removeContainer removes it and inspecting it then is DOCKER_NOT_FOUND", async () => {
    const id = await create("remove-me");
    await client.startContainer(id);
    await client.removeContainer(id, { force: true });
    const message = await rejectsWithCode(client.inspectContainer(id), EngineErrorCode.notFound);
    assert.match(message, /No such container/);
  });

  test("an internal network can be created, read back and removed", async () => {
    const name = `${sandbox.prefix}net`;
    const id = await client.createNetwork({
      Name: name,
      Internal: true,
      Labels: { "dev.fleet.test-run": runLabel },
    });
    try {
      const network = await client.inspectNetwork(name);
      assert.equal(network?.Id, id);
      assert.equal(network.Internal, true);
      assert.equal(network.Labels?.["dev.fleet.test-run"], runLabel);
    } finally {
      await client.removeNetwork(id);
    }
    assert.equal(await client.inspectNetwork(name), null);
  });
});
