/**
 * Reconcile and Docker hosts: a container whose agents are all idle is stopped
 * after them (filesystem kept), and `fleet start` / `fleet message` of one of
 * its agents brings the container and that agent back. Skips, saying why,
 * unless FLEET_TEST_DOCKER=1, the engine answers and the docker provider is
 * registered.
 */
import assert from "node:assert/strict";
import { after, before, describe, test as nodeTest } from "node:test";
import { EngineClient } from "../../../providers/docker/engine-client.ts";
import { providerNames } from "../../../src/core/registry.ts";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { baseImage, dockerSkipReason } from "../docker-engine/docker-test-env.ts";
import { SILENT, fleetFile, states, until } from "./idle-helpers.ts";

const skip = providerNames().includes("docker")
  ? await dockerSkipReason()
  : "the docker provider is not registered in src/core/registry.ts";
if (skip !== false) console.log(`# reconcile docker tests skipped: ${skip}`);

interface ReconcileJson {
  ok: boolean;
  stopped: { kind: string; name: string; reason: string }[];
}

describe("reconcile stops an idle docker host", { timeout: 180_000 }, () => {
  const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { skip }, fn);
  let sb: Sandbox;
  let file: string;
  let client: EngineClient;
  let t0: number;
  const container = () => `${sb.prefix}sandbox`;
  const running = async (): Promise<boolean> =>
    (await client.inspectContainer(container())).State.Running;

  before(async () => {
    if (skip !== false) return;
    sb = await makeSandbox("reconcile-docker");
    client = new EngineClient();
    file = await fleetFile(
      sb,
      `version: 1
name: boxed
hosts:
  sandbox: { provider: docker, image: ${baseImage} }
agents:
  a: { command: ${SILENT}, host: sandbox, idleTimeout: 2s }
  b: { command: ${SILENT}, host: sandbox, idleTimeout: 2s }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    t0 = Date.now();
    const wrote = await sb.fleet(["exec", "a", "--", "sh", "-c", "echo kept > note.txt"]);
    assert.equal(wrote.code, 0, wrote.stderr);
  });

  after(async () => {
    if (skip !== false) return;
    await sb.fleet(["destroy", "-f", file, "-y"]);
    await client.removeContainer(container(), { force: true }).catch(() => undefined);
    client.close();
    await sb.cleanup();
  });

  test("the agents, then their host, are stopped; the container exits but stays", async () => {
    await until(t0 + 3500);
    const result = await sb.fleet(["reconcile", "-f", file, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReconcileJson;
    assert.deepEqual(report.stopped.map((s) => `${s.kind}:${s.name}`).sort(), [
      "agent:a",
      "agent:b",
      "host:sandbox",
    ]);
    const inspect = await client.inspectContainer(container());
    assert.equal(inspect.State.Running, false);
    assert.equal(inspect.State.Status, "exited");
  });

  test("`fleet start` of one agent starts the host and that agent; its files are there", async () => {
    const started = await sb.fleet(["start", "a"]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(await running(), true);
    const now = await states(sb);
    assert.equal(now.a, "RUNNING");
    assert.equal(now.b, "STOPPED");
    const note = await sb.fleet(["exec", "a", "--", "cat", "note.txt"]);
    assert.equal(note.stdout, "kept\n");
  });

  test("`fleet message` to an agent on a stopped host starts both, then sends", async () => {
    await sb.fleet(["stop", "a"]);
    const stopped = await sb.fleet(["reconcile", "-f", file]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(await running(), false);
    const sent = await sb.fleet(["message", "b", "wake up", "--json"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal((JSON.parse(sent.stdout) as { started: boolean }).started, true);
    assert.equal(await running(), true);
    assert.equal((await states(sb)).b, "RUNNING");
  });
});
