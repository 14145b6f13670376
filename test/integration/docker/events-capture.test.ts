/**
 * `fleet events` and `fleet capture` on a docker host: the agents' events and
 * screens through the container's transport, and, once reconcile has stopped the
 * idle host, its agents' events read from the stopped container without starting
 * it, with the host's own stop from the controller's journal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { waitFor } from "../../helpers/sandbox.ts";
import {
  baseImage,
  dockerFixture,
  dockerSkip,
  testWith,
  type DockerFixture,
} from "./docker-fixture.ts";

const skip = await dockerSkip("docker events and capture");
const test = testWith(skip);

interface Event {
  ts: string;
  type: string;
  agent: string | null;
  host: string;
  [fact: string]: unknown;
}

const jsonl = (text: string): Event[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Event);

describe("events and capture on a docker host", { timeout: 240_000 }, () => {
  let f: DockerFixture;
  let file: string;

  before(async () => {
    if (skip !== false) return;
    f = await dockerFixture("docker-events");
    file = await f.file(`version: 1
name: dockev
hosts:
  box: { provider: docker, image: ${baseImage} }
agents:
  echo:
    host: box
    idleTimeout: 2s
    command: 'echo echo-ready; while IFS= read -r line; do echo "heard: $line"; done'
  quiet: { host: box, command: "sleep 3600", idleTimeout: 2s }
`);
    await f.fleet(["apply", "-f", file, "-y"]);
  });

  after(async () => {
    if (skip !== false) return;
    await f.cleanup();
  });

  test("fleet create without --host makes the agent on the configured host (fleet config)", async () => {
    const project = await f.sb.gitRepo("project");
    const env = { XDG_CONFIG_HOME: join(f.sb.dir, "xdg") };
    const set = await f.sb.fleet(["config", "set", "host", "box", "--scope", "project"], {
      cwd: project,
      env,
    });
    assert.equal(set.code, 0, set.stderr);
    const made = await f.sb.fleet(
      ["create", "via-config", "--no-connect", "--command", "sleep 600", "--json"],
      {
        cwd: project,
        env,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    assert.equal((JSON.parse(made.stdout) as { created: { host: string } }).created.host, "box");
    // Its work dir is in the container's fleet dir, not on this machine.
    const listed = JSON.parse((await f.fleet(["ls", "--json"])).stdout) as {
      agents: { name: string; workdir: string }[];
    };
    assert.equal(
      listed.agents.find((a) => a.name === "via-config")?.workdir,
      "/fleet/agents/via-config/work",
    );
    await f.fleet(["destroy", "via-config", "-y"]);
  });

  test("capture shows the screen of an agent in the container", async () => {
    await f.fleet(["message", "echo", "from the test"]);
    const screen = await waitFor(async () => {
      const result = await f.fleet(["capture", "echo"]);
      return result.stdout.includes("heard: from the test") ? result.stdout : undefined;
    });
    assert.match(screen, /^echo-ready$/m);
    const doc = JSON.parse((await f.fleet(["capture", "echo@box", "--json"])).stdout) as {
      host: string;
      lines: string[];
    };
    assert.equal(doc.host, "box");
    assert.ok(doc.lines.includes("heard: from the test"));
  });

  test("events of the container's agents come merged, each naming host box", async () => {
    const events = jsonl((await f.fleet(["events", "--format", "jsonl"])).stdout);
    const agents = events.filter((e) => e.agent === "echo" || e.agent === "quiet");
    assert.deepEqual(agents.map((e) => `${e.agent}@${e.host}:${e.type}`).sort(), [
      "echo@box:created",
      "echo@box:message",
      "quiet@box:created",
    ]);
    // The host apply made is in the controller's journal.
    const made = events.find((e) => e.agent === null && e.type === "host-created");
    assert.equal(made?.host, "box");
    assert.equal(made?.provider, "docker");
  });

  test("once reconcile stopped the host, its events are read from the stopped container, which stays stopped", async () => {
    await waitFor(
      async () => {
        const result = await f.sb.fleet(["reconcile", "-f", file]);
        const inspect = await f.client.inspectContainer(f.container("box"));
        return result.code === 0 && !inspect.State.Running;
      },
      60_000,
      1000,
    );
    const result = await f.fleet(["events", "--format", "jsonl"]);
    const events = jsonl(result.stdout);
    const stops = events.filter((e) => e.type === "stopped");
    assert.deepEqual(stops.map((e) => `${e.agent}@${e.host}`).sort(), ["echo@box", "quiet@box"]);
    assert.ok(stops.every((e) => typeof e.reason === "string" && /idle/.test(e.reason)));
    const hostStop = events.find((e) => e.type === "host-stopped");
    assert.equal(hostStop?.host, "box");
    assert.equal(hostStop.agent, null);
    // The stop came after the agents' stops: one stream, in time order.
    const types = events.map((e) => e.type);
    assert.ok(types.lastIndexOf("stopped") < types.indexOf("host-stopped"));
    assert.equal((await f.client.inspectContainer(f.container("box"))).State.Running, false);

    const one = jsonl((await f.fleet(["events", "quiet", "--format", "jsonl"])).stdout);
    assert.deepEqual(
      one.map((e) => e.type),
      ["created", "stopped"],
    );
    const capture = await f.fleet(["capture", "echo"], 1);
    assert.match(capture.stderr, /echo is STOPPED/);
    assert.equal((await f.client.inspectContainer(f.container("box"))).State.Running, false);
  });
});
