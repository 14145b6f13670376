/**
 * The bus across hosts: one `command` agent on this machine, one in a docker
 * container with no network at all (`egress: offline`), each using the bus
 * through its own endpoint. The container reaches the bus only through the
 * socket directory fleet mounts read-only; no port is opened. They exchange ten
 * messages each way, in order, each exactly once. A third agent, in the
 * container and stopped, is woken by a message and reads it.
 */
import { strict as assert } from "node:assert";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AGENT_IMAGE_PATH, agentImage, agentImageSkipReason } from "../../helpers/agent-image.ts";
import { repoRoot, waitFor } from "../../helpers/sandbox.ts";
import { baseImage, dockerFixture, type DockerFixture } from "../docker/docker-fixture.ts";
import { dockerSkipReason } from "../docker-engine/docker-test-env.ts";

const PEER = join(repoRoot, "test", "fixtures", "bus", "bus-peer.js");
const PEER_IN_CONTAINER = "/opt/bus-peer.js";
// The same set as the real-agent docker tests: one cached image serves both.
const CLIS = ["claude", "codex", "opencode"] as const;

const dockerProblem = await dockerSkipReason();
const skip = dockerProblem !== false ? dockerProblem : (agentImageSkipReason(CLIS) ?? false);
if (skip !== false) console.log(`# bus across local and docker hosts skipped: ${skip}`);

let f: DockerFixture;
let imageTag = "";

const fleetFile = (agents: string[]): string =>
  [
    "version: 1",
    "name: bus-docker",
    "hosts:",
    `  box: { provider: docker, image: "${imageTag}", network: { egress: offline } }`,
    "agents:",
    "  hold: { command: sleep 86400, host: box }",
    ...agents,
    "",
  ].join("\n");

const inBox = (name: string, role: string, env: Record<string, string> = {}) =>
  `  ${name}: { command: ${JSON.stringify(`node ${PEER_IN_CONTAINER}`)}, host: box, env: ${JSON.stringify({ PATH: AGENT_IMAGE_PATH, BUS_ROLE: role, ...env })} }`;

const receivedLocal = async (name: string): Promise<string[]> =>
  (
    await readFile(join(f.sb.home, "agents", name, "work", "bus-received.txt"), "utf8").catch(
      () => "",
    )
  )
    .split("\n")
    .filter((line) => line !== "");

const receivedInBox = async (name: string): Promise<string[]> => {
  const shown = await f.client.exec(f.container("box"), [
    "sh",
    "-c",
    `cat /fleet/agents/${name}/work/bus-received.txt 2>/dev/null`,
  ]);
  return shown.stdout.split("\n").filter((line) => line !== "");
};

before(async () => {
  if (skip !== false) return;
  f = await dockerFixture("bus-docker");
  imageTag = (await agentImage(CLIS, baseImage)).tag;
  await f.fleet(["apply", "-f", await f.file(fleetFile([])), "-y"]);
  const copied = await f.client.exec(
    f.container("box"),
    ["sh", "-c", `cat > ${PEER_IN_CONTAINER}`],
    {
      input: await readFile(PEER, "utf8"),
    },
  );
  assert.equal(copied.code, 0, copied.stderr);
});

after(async () => {
  if (skip !== false) return;
  await f?.cleanup();
});

test(
  "a local agent and a docker agent exchange ten messages through the bus, in order, once each",
  { skip },
  async () => {
    const offline = await f.client.exec(f.container("box"), ["sh", "-c", "ls /sys/class/net"]);
    assert.equal(offline.stdout.trim(), "lo", "the container has only loopback");
    const file = await f.file(
      fleetFile([
        `  pong: { command: ${JSON.stringify(`node ${PEER}`)}, env: { BUS_ROLE: pong } }`,
        inBox("ping", "ping", { BUS_PEER: "pong", BUS_COUNT: "10" }),
      ]),
    );
    await f.fleet(["apply", "-f", file, "-y"]);
    await waitFor(async () => (await receivedInBox("ping")).length >= 10, 90_000, 250);
    assert.deepEqual(
      await receivedInBox("ping"),
      Array.from({ length: 10 }, (_, i) => `pong ${i}`),
    );
    assert.deepEqual(
      await receivedLocal("pong"),
      Array.from({ length: 10 }, (_, i) => `ping ${i}`),
    );
    const traffic = JSON.parse(
      (await f.fleet(["messages", "--fleet", "bus-docker", "--format", "json"])).stdout,
    ) as {
      messages: { from: string; to: string }[];
    };
    assert.equal(traffic.messages.length, 20);
    assert.equal(
      traffic.messages.filter((m) => m.from === "ping@box" && m.to === "pong@local").length,
      10,
    );
  },
);

test("a stopped agent in the container is woken by a message and reads it", { skip }, async () => {
  const file = await f.file(
    fleetFile([
      `  pong: { command: ${JSON.stringify(`node ${PEER}`)}, env: { BUS_ROLE: pong } }`,
      inBox("ping", "ping", { BUS_PEER: "pong", BUS_COUNT: "10" }),
      inBox("sleeper", "reader"),
    ]),
  );
  await f.fleet(["apply", "-f", file, "-y"]);
  await f.fleet(["stop", "sleeper"]);
  const sent = await f.sb.fleet(["messages", "--agent", "sleeper", "--format", "json"]);
  assert.equal(sent.code, 0);
  const { connectBus, callBusTool } = await import("../../../src/core/bus/client.ts");
  const client = await connectBus(
    { home: f.sb.home, prefix: f.sb.prefix },
    { processEnv: f.sb.env },
  );
  try {
    await callBusTool(client, "send_message", { to: "sleeper", body: "you have mail in the box" });
  } finally {
    await client.close();
  }
  await waitFor(
    async () => (await receivedInBox("sleeper")).includes("you have mail in the box"),
    60_000,
    250,
  );
});
