/**
 * The real Claude Code, Codex and OpenCode on a docker host, against the fake
 * model server: the CLIs are installed in an image built here from this repo's
 * node_modules (test/helpers/agent-image.ts, cached by content), the host is
 * declared `network: { egress: offline }` (the container has only loopback,
 * which the test checks from inside), and the fake model runs INSIDE the
 * container (`docker exec -i ... node main.ts --log /dev/stdout`: its request
 * log is that exec's output). Nothing the agents send can leave the container.
 *
 * For each CLI, as on the local host (real-agents.test.ts): `fleet apply` of an
 * agent with a first message gets it to the model exactly once, the reply shows
 * in `fleet transcript`, no dialog was on screen at any point of the start (the
 * pane is captured throughout); nine more messages, some multi-line, reach the
 * model in order, once each. Claude and Codex also: `fleet wait --timeout 60s`
 * returns when a turn ends, with the agent WAITING for input (their hooks mark it).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import {
  AGENT_IMAGE_PATH,
  IMAGE_FAKE_MODEL,
  IMAGE_NODE,
  agentImage,
  agentImageSkipReason,
  type RealCli,
} from "../../helpers/agent-image.ts";
import type { LoggedRequest } from "../../helpers/fake-model/server.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { baseImage, dockerFixture, type DockerFixture } from "../docker/docker-fixture.ts";
import { dockerSkipReason } from "../docker-engine/docker-test-env.ts";
import { getAgentType } from "../../../src/core/registry.ts";

/** Words of every first-run dialog of the three CLIs, whatever their type lists. */
const ANY_DIALOG =
  /Do you trust|trust the (?:files|contents)|Detected a custom API key|Select login method|Sign in with|Hooks need review|Update available|Choose the text style|Bypass Permissions mode/i;

interface Case {
  type: RealCli;
  env: (port: number) => Record<string, string>;
  secrets: Record<string, string>;
  /** Its hooks mark the end of a turn: `fleet wait` is checked. */
  waits: boolean;
}

const CASES: Case[] = [
  {
    type: "claude",
    env: (port) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
    waits: true,
  },
  {
    type: "codex",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
    waits: true,
  },
  {
    type: "opencode",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
    waits: false,
  },
];

const CLIS = CASES.map((c) => c.type);
const HOST = "agents";

/**
 * Docker missing is a skip, saying why, unless FLEET_TEST_DOCKER=1 (test-all.sh
 * found the engine and the base image): then it is a failure.
 */
const dockerProblem = await dockerSkipReason();
const demanded = process.env.FLEET_TEST_DOCKER === "1";
const skip: string | false =
  dockerProblem !== false && !demanded ? dockerProblem : (agentImageSkipReason(CLIS) ?? false);
if (skip !== false) console.log(`# real agents on docker skipped: ${skip}`);

/** Trailing space is not content (OpenCode adds one to some pasted messages). */
const sameText = (received: string | undefined, sent: string): boolean =>
  received?.trimEnd() === sent;

/** The fake model server running inside the container, its log read from the exec's stdout. */
interface ContainerModel {
  port: number;
  requests: LoggedRequest[];
  stop(): Promise<void>;
}

function startModelIn(container: string): Promise<ContainerModel> {
  const child: ChildProcessWithoutNullStreams = spawn("docker", [
    "exec",
    "-i",
    container,
    IMAGE_NODE,
    IMAGE_FAKE_MODEL,
    "--log",
    "/dev/stdout",
  ]);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const requests: LoggedRequest[] = [];
  const exited = new Promise((resolve) => child.once("close", resolve));
  return new Promise((resolve, reject) => {
    let port = 0;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (port === 0) {
        port = Number(/^listening (\d+)$/.exec(line)?.[1]);
        if (Number.isInteger(port) && port > 0) {
          resolve({
            port,
            requests,
            async stop() {
              child.stdin.end();
              const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
              await exited;
              clearTimeout(timer);
            },
          });
        } else reject(new Error(`fake model said: ${line} ${stderr}`));
        return;
      }
      requests.push(JSON.parse(line) as LoggedRequest);
    });
    child.once("close", (code) => reject(new Error(`fake model exited (${code}): ${stderr}`)));
  });
}

describe("real agent CLIs on a docker host, offline", { timeout: 600_000 }, () => {
  let f: DockerFixture;
  let model: ContainerModel;
  let container = "";
  let imageTag = "";

  /** Runs argv in the host container (through the Engine API). */
  const inside = async (argv: string[]) => {
    return f.client.exec(container, argv);
  };
  /** The fleet file: the offline host, an agent that holds it, and `agents` lines. */
  const fleetFile = (agents: string[]): string =>
    [
      "version: 1",
      "name: real-docker",
      "hosts:",
      `  ${HOST}: { provider: docker, image: "${imageTag}", network: { egress: offline } }`,
      "agents:",
      `  hold: { command: "sleep 86400", host: ${HOST} }`,
      ...agents,
      "",
    ].join("\n");
  const userTurns = (): string =>
    JSON.stringify(model.requests.filter((r) => r.kind === "turn").map((r) => r.lastUserText));

  before(async () => {
    if (skip !== false) return;
    if (dockerProblem !== false) throw new Error(`FLEET_TEST_DOCKER=1 but ${dockerProblem}`);
    f = await dockerFixture("real-agents-docker");
    const image = await agentImage(CLIS, baseImage);
    imageTag = image.tag;
    console.log(
      `# agent image ${image.tag}: ${image.built ? "built" : "cached"} in ${(image.buildMs / 1000).toFixed(1)} s, ${(image.sizeBytes / 1e6).toFixed(0)} MB`,
    );
    // The host first, with no agent of a real CLI: the fake model must be running
    // in it before an agent starts, and its port goes into the agents' env.
    const hostFile = await f.file(fleetFile([]), "host.yaml");
    await f.fleet(["apply", "-f", hostFile, "-y"]);
    container = f.container(HOST);
    model = await startModelIn(container);
  });

  after(async () => {
    if (skip !== false) return;
    await model?.stop();
    await f?.cleanup();
  });

  test("the host container has no network interface but loopback", { skip }, async () => {
    const info = await f.client.inspectContainer(container);
    assert.equal(info.HostConfig?.NetworkMode, "none");
    const links = await inside(["ls", "/sys/class/net"]);
    assert.equal(links.code, 0, links.stderr);
    assert.deepEqual(links.stdout.split(/\s+/).filter(Boolean), ["lo"]);
    // The kernel's own list: one interface (lo), and no route anywhere.
    const dev = await inside(["cat", "/proc/net/dev"]);
    const names = dev.stdout
      .split("\n")
      .slice(2)
      .map((line) => line.split(":")[0]?.trim())
      .filter(Boolean);
    assert.deepEqual(names, ["lo"]);
    // No route anywhere: the IPv4 table has only its header, IPv6 routes (if any) are lo's.
    const v4 = await inside(["cat", "/proc/net/route"]);
    assert.deepEqual(v4.stdout.trim().split("\n").slice(1), [], "no IPv4 route");
    const v6 = await inside(["sh", "-c", "cat /proc/net/ipv6_route 2>/dev/null || true"]);
    const v6Devices = new Set(
      v6.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/).at(-1)),
    );
    assert.ok(
      [...v6Devices].every((dev) => dev === "lo"),
      `IPv6 routes: ${v6.stdout}`,
    );
    // And the fake model answers there, on loopback.
    assert.ok(model.port > 0);
  });

  for (const c of CASES) {
    test(
      `${c.type} in the container: apply with a first message reaches the model, the reply shows, no dialog; ten messages in order, once each${c.waits ? "; fleet wait returns at the end of a turn" : ""}`,
      { skip },
      async () => {
        const name = `real-${c.type}`;
        const message = `hello ${c.type} from fleet\nthis is the second line`;
        const env = { ...c.env(model.port), PATH: AGENT_IMAGE_PATH };
        const file = await f.file(
          fleetFile([
            `  ${name}:`,
            `    agent: ${c.type}`,
            `    host: ${HOST}`,
            `    env: ${JSON.stringify(env)}`,
            `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
            `    message: ${JSON.stringify(message)}`,
          ]),
          `${c.type}.yaml`,
        );

        // Capture the agent's pane over and over while apply starts it and types the message.
        const target = `=${f.sb.prefix}${name}:agent`;
        const screens: string[] = [];
        let applying = true;
        const capturing = (async () => {
          while (applying) {
            const shot = await inside(["tmux", "capture-pane", "-p", "-J", "-t", target]);
            if (shot.code === 0 && shot.stdout.trim() !== "") screens.push(shot.stdout);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        const applied = await f.sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
        // Keep watching until the reply is in: a dialog could still come after the paste.
        const turn = await waitFor(
          () =>
            Promise.resolve(
              model.requests.find((r) => r.kind === "turn" && r.lastUserText === message),
            ),
          60_000,
          200,
        ).catch(() => undefined);
        applying = false;
        await capturing;
        assert.equal(
          applied.code,
          0,
          `${applied.stdout}\n${applied.stderr}\n${screens.at(-1) ?? ""}`,
        );
        assert.ok(
          turn,
          `the message reached the model; it got: ${JSON.stringify(model.requests.map((r) => [r.path, r.kind, r.lastUserText]))}\nscreen:\n${screens.at(-1) ?? ""}`,
        );
        const turns = model.requests.filter((r) => r.kind === "turn" && r.lastUserText === message);
        assert.equal(turns.length, 1, "the message reached the model exactly once");

        assert.ok(screens.length > 0, "the pane was captured during the start");
        const type = await getAgentType(c.type);
        for (const screen of screens) {
          assert.doesNotMatch(screen, ANY_DIALOG, `a dialog was on screen:\n${screen}`);
          for (const dialog of type.dialogs ?? []) {
            assert.doesNotMatch(
              screen,
              dialog.pattern,
              `${dialog.reason} was on screen:\n${screen}`,
            );
          }
        }

        const reply = `ok: hello ${c.type} from fleet`;
        let shown = "";
        const transcript = await waitFor(
          async () => {
            const result = await f.sb.fleet(["transcript", name]);
            shown = result.stdout + result.stderr;
            return result.code === 0 && result.stdout.includes(reply) ? result.stdout : undefined;
          },
          30_000,
          500,
        ).catch(() => undefined);
        assert.ok(
          transcript,
          `fleet transcript shows the reply "${reply}"; lines with ok:/hello:\n${shown
            .split("\n")
            .filter((l) => /ok:|hello/.test(l))
            .join("\n")}`,
        );

        // Nine more, some multi-line, each sent as soon as the model has the one before.
        const more = Array.from({ length: 9 }, (_, i) =>
          i % 3 === 0
            ? `message ${i + 2} to ${c.type}\nline two\nline three`
            : `message ${i + 2} to ${c.type}`,
        );
        for (const text of more) {
          const sentOne = await f.sb.fleet(["message", name], { input: text });
          assert.equal(sentOne.code, 0, sentOne.stderr);
          await waitFor(
            () => Promise.resolve(model.requests.some((r) => sameText(r.lastUserText, text))),
            60_000,
            100,
          ).catch(() => assert.fail(`"${text}" never reached the model; it got: ${userTurns()}`));
        }
        const ours = new Set([message, ...more]);
        const received = model.requests
          .map((r) => (r.kind === "turn" ? r.lastUserText?.trimEnd() : undefined))
          .filter((text) => text !== undefined && ours.has(text));
        assert.deepEqual(
          received,
          [message, ...more],
          "each message reached the model once, in order",
        );

        if (c.waits) {
          // A slow turn (its reply streams for 3 s): `fleet wait` right after the
          // message returns once that turn is over, the agent waiting for input.
          const slow = "a slow one [[slow]]";
          const sentSlow = await f.sb.fleet(["message", name, slow]);
          assert.equal(sentSlow.code, 0, sentSlow.stderr);
          const waited = await f.sb.fleet(["wait", name, "--timeout", "60s", "--format", "json"]);
          assert.equal(waited.code, 0, waited.stdout + waited.stderr);
          const reached = JSON.parse(waited.stdout) as {
            agent: { state: string; waitingFor?: string };
          };
          assert.deepEqual([reached.agent.state, reached.agent.waitingFor], ["WAITING", "input"]);
          assert.ok(
            model.requests.some((r) => r.kind === "turn" && r.lastUserText === slow),
            `the slow turn was asked of the model before the wait ended; it got: ${userTurns()}`,
          );
          // The turn ended (the CLI's Stop hook left the mark): its reply is in the transcript.
          await waitFor(
            async () => {
              const result = await f.sb.fleet(["transcript", name]);
              return result.stdout.includes("ok: a slow one [[slow]]") ? true : undefined;
            },
            30_000,
            500,
          );
        }

        const destroyed = await f.sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      },
    );
  }
});
