/**
 * How the engine client fails when there is no engine, and how it finds the socket.
 * Needs no Docker: it talks to sockets that do not exist or do not answer.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  createStreamDemuxer,
  dockerSocketPath,
  EngineClient,
} from "../../../providers/docker/engine-client.ts";
import { EngineErrorCode } from "../../../providers/docker/engine-errors.ts";
import { FleetError } from "../../../src/core/errors.ts";

describe("docker engine client without an engine", () => {
  let dir: string;
  let refusing: Server;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fleet-test-engine-"));
    // A socket that accepts and hangs up at once, like an engine dying mid-request.
    refusing = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => refusing.listen(join(dir, "hangup.sock"), resolve));
  });

  after(async () => {
    await new Promise((resolve) => refusing.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test("a missing socket is DOCKER_UNAVAILABLE, a system fault with a hint to start dockerd", async () => {
    const client = new EngineClient({ socketPath: join(dir, "absent.sock") });
    await assert.rejects(client.ping(), (err: unknown) => {
      assert.ok(err instanceof FleetError);
      assert.equal(err.code, EngineErrorCode.unavailable);
      assert.equal(err.fault, "system");
      assert.match(err.message, /absent\.sock \(no socket there\)/);
      assert.match(err.hint ?? "", /dockerd &/);
      return true;
    });
  });

  test("a socket that hangs up is DOCKER_UNAVAILABLE", async () => {
    const client = new EngineClient({ socketPath: join(dir, "hangup.sock") });
    await assert.rejects(client.listContainers(), { code: EngineErrorCode.unavailable });
    client.close();
  });

  test("DOCKER_HOST=unix://PATH names the socket", () => {
    assert.equal(
      dockerSocketPath({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }),
      "/run/user/1000/docker.sock",
    );
  });

  test("without DOCKER_HOST the socket is /var/run/docker.sock", () => {
    assert.equal(dockerSocketPath({}), "/var/run/docker.sock");
  });

  test("a tcp DOCKER_HOST is refused as the user's error", () => {
    assert.throws(() => dockerSocketPath({ DOCKER_HOST: "tcp://127.0.0.1:2375" }), {
      code: EngineErrorCode.unavailable,
      fault: "user",
    });
  });
});

describe("docker stream demultiplexer", () => {
  const frame = (stream: number, text: string) => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };

  test("splits stdout and stderr frames, also when they arrive in pieces", () => {
    const seen: string[] = [];
    const feed = createStreamDemuxer((stream, payload) =>
      seen.push(`${stream}:${payload.toString()}`),
    );
    const bytes = Buffer.concat([frame(1, "out one"), frame(2, "err"), frame(1, "out two")]);
    for (let i = 0; i < bytes.length; i += 5) feed(bytes.subarray(i, i + 5));
    assert.deepEqual(seen, ["1:out one", "2:err", "1:out two"]);
  });
});
