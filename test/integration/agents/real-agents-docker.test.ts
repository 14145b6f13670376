/**
 * The real Claude Code, Codex and OpenCode on a docker host, against the fake
 * model server: the CLIs are installed in an image built here from this repo's
 * node_modules (test/helpers/agent-image.ts, cached by content), the host is
 * declared `network: { egress: offline }` (the container has only loopback,
 * which the test checks from inside), and the fake model runs INSIDE the
 * container (`docker exec -i ... node main.ts --log /dev/stdout`: its request
 * log is that exec's output). Nothing the agents send can leave the container.
 *
 * For each CLI, as on the local host (real-agents.test.ts, real-records.test.ts),
 * one agent goes through it all:
 * - `fleet apply` with a first message gets it to the model exactly once, the
 *   reply shows in `fleet transcript`, no dialog was on screen at any point of
 *   the start (the pane is captured throughout);
 * - nine more messages back to back, some multi-line, some `[[slow]]` (the next
 *   is sent while the agent works), the last three from three `fleet message`s at
 *   once: all reach the model in order, once each;
 * - claude and codex: `fleet wait` returns when a turn ends, WAITING for input;
 * - `fleet usage --format json` equals what the fake model reported for the
 *   conversation (title requests left out);
 * - `fleet stop` + `fleet start`: it continues the conversation (the model is
 *   shown the first message again).
 * Then, for each CLI, an agent of its own runs a tool call that needs approval
 * (made to take 3 s): WAITING (approval) in `fleet list` (the delay is reported,
 * not asserted), RUNNING once approved while the tool runs, then WAITING (input)
 * when `fleet wait` returns. Last, the
 * container is restarted (`docker restart`): the agents show MISSING, `fleet
 * start` brings each back, and each resumes its conversation.
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
  runDocker,
  type RealCli,
} from "../../helpers/agent-image.ts";
import type { LoggedRequest } from "../../helpers/fake-model/server.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import {
  assertTenMessagesInOrder,
  assertTranscriptShows,
  sameText,
  userTurns as turnsOf,
} from "../../helpers/real-agent-checks.ts";
import { baseImage, dockerFixture, type DockerFixture } from "../docker/docker-fixture.ts";
import { dockerSkipReason } from "../docker-engine/docker-test-env.ts";
import { getAgentType } from "../../../src/core/registry.ts";

/** Words of every first-run dialog of the three CLIs, whatever their type lists. */
const ANY_DIALOG =
  /Do you trust|trust the (?:files|contents)|Detected a custom API key|Select login method|Sign in with|Hooks need review|Update available|Choose the text style|Bypass Permissions mode/i;

interface Case {
  type: RealCli;
  /** The API its requests use on the fake model (usage is summed over these). */
  api: LoggedRequest["api"];
  env: (port: number) => Record<string, string>;
  secrets: Record<string, string>;
  /**
   * Its hooks report its turns: `fleet wait` is checked, and a message sent
   * while it works is told it waits.
   */
  hooks: boolean;
  /** For the approval test: its args and extra env, and its question on screen. */
  approval: { args: string[]; env: Record<string, string>; question: RegExp };
}

const CASES: Case[] = [
  {
    type: "claude",
    api: "anthropic",
    env: (port) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
    hooks: true,
    // Claude Code 2.1's default "auto mode" asks a classifier, not the user.
    approval: {
      args: ["--permission-mode", "default"],
      env: {},
      question: /Do you want to proceed/,
    },
  },
  {
    type: "codex",
    api: "responses",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
    hooks: true,
    approval: {
      args: [],
      env: {},
      question: /Would you like to run the following command/,
    },
  },
  {
    type: "opencode",
    api: "chat",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
    hooks: false,
    // OpenCode runs shell commands without asking unless told to ask.
    approval: {
      args: [],
      env: { OPENCODE_PERMISSION: '{"bash":"ask"}' },
      question: /Permission required/,
    },
  },
];

const CLIS = CASES.map((c) => c.type);
const HOST = "agents";
/** Where fleet keeps an agent's files in the container (providers/docker: FLEET_DIR). */
const agentDirIn = (name: string): string => `/fleet/agents/${name}`;

/**
 * Docker missing is a skip, saying why, unless FLEET_TEST_DOCKER=1 (test-all.sh
 * found the engine and the base image): then it is a failure.
 */
const dockerProblem = await dockerSkipReason();
const demanded = process.env.FLEET_TEST_DOCKER === "1";
const skip: string | false =
  dockerProblem !== false && !demanded ? dockerProblem : (agentImageSkipReason(CLIS) ?? false);
if (skip !== false) console.log(`# real agents on docker skipped: ${skip}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake model server running inside the container, its log read from the exec's stdout. */
interface ContainerModel {
  port: number;
  stop(): Promise<void>;
}

/**
 * A preload that makes the fake model listen on `port` (it asks for any free
 * one): after the container restarts it must come back where the agents' env
 * points.
 */
const pinnedPort = (port: number): string =>
  `data:text/javascript,${encodeURIComponent(
    `import net from "node:net";
     const listen = net.Server.prototype.listen;
     net.Server.prototype.listen = function (p, ...rest) {
       return listen.call(this, p === 0 ? ${port} : p, ...rest);
     };`,
  )}`;

/** Starts the fake model in the container; every request it logs is pushed onto `requests`. */
function startModelIn(
  container: string,
  requests: LoggedRequest[],
  port?: number,
): Promise<ContainerModel> {
  const child: ChildProcessWithoutNullStreams = spawn("docker", [
    "exec",
    "-i",
    container,
    IMAGE_NODE,
    ...(port === undefined ? [] : ["--import", pinnedPort(port)]),
    IMAGE_FAKE_MODEL,
    "--log",
    "/dev/stdout",
  ]);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once("close", resolve));
  return new Promise((resolve, reject) => {
    let listening = 0;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (listening === 0) {
        listening = Number(/^listening (\d+)$/.exec(line)?.[1]);
        if (Number.isInteger(listening) && listening > 0) {
          resolve({
            port: listening,
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

/**
 * The scripted tool call's command (`touch fleet-tool-ran`), made to take 3 s in
 * the container for the approval tests, so the agent is seen working once
 * approved. Any other `touch` (fleet's hooks use it) runs at once.
 */
const SLOW_TOOL = [
  "#!/bin/sh",
  'case " $* " in *" fleet-tool-ran "*) sleep 3 ;; esac',
  'exec /usr/bin/touch "$@"',
  "",
].join("\n");

/** An agent's row in `fleet usage --format json`. */
interface UsageRow {
  agent: string;
  status: string;
  usage?: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

interface ListedAgent {
  name: string;
  state: string;
  waitingFor?: string | null;
}

describe("real agent CLIs on a docker host, offline", { timeout: 1_200_000 }, () => {
  let f: DockerFixture;
  /** Every request the fake model got, across its restarts. */
  const requests: LoggedRequest[] = [];
  const models: ContainerModel[] = [];
  let port = 0;
  let container = "";
  let imageTag = "";
  /** The agents whose conversation test got through, by CLI, with their first message. */
  const conversations = new Map<RealCli, { name: string; first: string }>();

  /** Runs argv in the host container (through the Engine API). */
  const inside = (argv: string[], input?: string) =>
    f.client.exec(container, argv, input === undefined ? {} : { input });
  const screenOf = async (name: string): Promise<string> => {
    const shot = await inside([
      "tmux",
      "capture-pane",
      "-p",
      "-J",
      "-t",
      `=${f.sb.prefix}${name}:agent`,
    ]);
    return shot.code === 0 ? shot.stdout : "";
  };
  /**
   * The lines of the agents kept for later checks: every fleet file applied names
   * them too (apply removes the fleet's agents that its file does not name).
   */
  const kept: string[] = [];
  /** The fleet file: the offline host, an agent that holds it, the kept agents and `agents` lines. */
  const fleetFile = (agents: string[]): string =>
    [
      "version: 1",
      "name: real-docker",
      "hosts:",
      `  ${HOST}: { provider: docker, image: "${imageTag}", network: { egress: offline } }`,
      "agents:",
      `  hold: { command: "sleep 86400", host: ${HOST} }`,
      ...kept,
      ...agents,
      "",
    ].join("\n");
  /** The lines of one agent of a real CLI in the fleet file. */
  const agentLines = (
    name: string,
    c: Case,
    message: string,
    extra: { args?: string[]; env?: Record<string, string> } = {},
  ): string[] => [
    `  ${name}:`,
    `    agent: ${c.type}`,
    `    host: ${HOST}`,
    ...(extra.args ? [`    args: ${JSON.stringify(extra.args)}`] : []),
    `    env: ${JSON.stringify({ ...c.env(port), ...extra.env, PATH: AGENT_IMAGE_PATH })}`,
    `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
    `    message: ${JSON.stringify(message)}`,
  ];
  const userTurns = (): string => turnsOf(requests);
  const reached = (text: string, since = 0): Promise<LoggedRequest> =>
    waitFor(
      () =>
        Promise.resolve(
          requests.slice(since).find((r) => r.kind === "turn" && sameText(r.lastUserText, text)),
        ),
      60_000,
      100,
    ).catch(() => assert.fail(`"${text}" never reached the model; it got: ${userTurns()}`));
  const listed = async (): Promise<ListedAgent[]> => {
    const shown = await f.sb.fleet(["list", "--format", "json"]);
    assert.equal(shown.code, 0, shown.stderr);
    return (JSON.parse(shown.stdout) as { agents: ListedAgent[] }).agents;
  };
  const listedOne = async (name: string) => (await listed()).find((a) => a.name === name);
  const stateLabel = (a: ListedAgent | undefined): string =>
    a === undefined ? "(absent)" : a.waitingFor ? `${a.state}(${a.waitingFor})` : a.state;

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
    const model = await startModelIn(container, requests);
    models.push(model);
    port = model.port;
  });

  after(async () => {
    if (skip !== false) return;
    for (const model of models) await model.stop();
    await f?.cleanup();
  });

  test(
    "the host container has no network interface but loopback; sqlite3 runs there",
    { skip },
    async () => {
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
      assert.ok(port > 0);
      // fleet reads OpenCode's records with sqlite3 on the host: the image has it.
      const sqlite = await inside([
        "sh",
        "-c",
        "sqlite3 -json :memory: \"SELECT json_extract('{\\\"a\\\":1}', '$.a') AS a;\"",
      ]);
      assert.equal(sqlite.code, 0, sqlite.stderr);
      assert.deepEqual(JSON.parse(sqlite.stdout), [{ a: 1 }]);
    },
  );

  for (const c of CASES) {
    test(
      `${c.type} in the container: apply with a first message reaches the model, the reply shows, no dialog; ten messages (slow ones, three at once) in order, once each${c.hooks ? "; fleet wait returns at the end of a turn" : ""}; usage matches the model's; stop and start resumes the conversation`,
      { skip },
      async () => {
        const name = `real-${c.type}`;
        const message = `hello ${c.type} from fleet\nthis is the second line`;
        const since = requests.length;
        const lines = agentLines(name, c, message);
        const file = await f.file(fleetFile(lines), `${c.type}.yaml`);

        // Capture the agent's pane over and over while apply starts it and types the message.
        const screens: string[] = [];
        let applying = true;
        const capturing = (async () => {
          while (applying) {
            const shot = await screenOf(name);
            if (shot.trim() !== "") screens.push(shot);
            await sleep(100);
          }
        })();
        const applied = await f.sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
        // Keep watching until the reply is in: a dialog could still come after the paste.
        const turn = await waitFor(
          () =>
            Promise.resolve(requests.find((r) => r.kind === "turn" && r.lastUserText === message)),
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
          `the message reached the model; it got: ${JSON.stringify(requests.map((r) => [r.path, r.kind, r.lastUserText]))}\nscreen:\n${screens.at(-1) ?? ""}`,
        );
        const turns = requests.filter((r) => r.kind === "turn" && r.lastUserText === message);
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

        await assertTranscriptShows(f.sb, name, `ok: hello ${c.type} from fleet`);
        await assertTenMessagesInOrder({
          sb: f.sb,
          name,
          type: c.type,
          first: message,
          requests: () => requests.slice(since),
          reportsTurns: c.hooks,
        });

        if (c.hooks) {
          // A slow turn (its reply streams for 3 s): `fleet wait` right after the
          // message returns once that turn is over, the agent waiting for input.
          const slow = "a slow one [[slow]]";
          const sentSlow = await f.sb.fleet(["message", name, slow]);
          assert.equal(sentSlow.code, 0, sentSlow.stderr);
          const waited = await f.sb.fleet(["wait", name, "--timeout", "60s", "--format", "json"]);
          assert.equal(waited.code, 0, waited.stdout + waited.stderr);
          const done = JSON.parse(waited.stdout) as {
            agent: { state: string; waitingFor?: string };
          };
          assert.deepEqual([done.agent.state, done.agent.waitingFor], ["WAITING", "input"]);
          assert.ok(
            requests.some((r) => r.kind === "turn" && r.lastUserText === slow),
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

        // Usage: what the fake model reported for this conversation's requests (this
        // agent is the only one of its API so far), title requests left out: they are
        // not in the CLIs' records.
        const reported = () => {
          const counted = requests
            .slice(since)
            .filter((r) => r.api === c.api && r.kind !== "title" && r.usage);
          return {
            input: counted.reduce((n, r) => n + (r.usage?.input ?? 0), 0),
            output: counted.reduce((n, r) => n + (r.usage?.output ?? 0), 0),
            cacheRead: 0,
            cacheWrite: 0,
          };
        };
        let usage: UsageRow | undefined;
        let usageSeen = "";
        await waitFor(
          async () => {
            const r = await f.sb.fleet(["usage", name, "--format", "json"]);
            usageSeen = r.stdout + r.stderr;
            if (r.code !== 0) return undefined;
            usage = (JSON.parse(r.stdout) as { agents: UsageRow[] }).agents[0];
            return JSON.stringify(usage?.usage) === JSON.stringify(reported()) || undefined;
          },
          30_000,
          500,
        ).catch(() => undefined);
        assert.ok(usage, `fleet usage answered: ${usageSeen}`);
        assert.equal(usage.status, "ok", usageSeen);
        assert.deepEqual(usage.usage, reported(), usageSeen);

        // Stopped and started again, it continues the same conversation: the model is
        // shown the turns from before the restart.
        const stopped = await f.sb.fleet(["stop", name]);
        assert.equal(stopped.code, 0, stopped.stderr);
        const started = await f.sb.fleet(["start", name], { env: c.secrets });
        assert.equal(started.code, 0, started.stderr);
        const afterRestart = `after the restart, ${c.type}`;
        const resent = await f.sb.fleet(["message", name], { input: afterRestart });
        assert.equal(resent.code, 0, resent.stderr);
        const resumed = await reached(afterRestart, since);
        assert.ok(
          resumed.userTexts?.some((text) => sameText(text, message)),
          `the model saw the turns before the restart: ${JSON.stringify(resumed.userTexts)}`,
        );
        // Kept for the container's restart, at the end.
        kept.push(...lines);
        conversations.set(c.type, { name, first: message });
      },
    );
  }

  for (const c of CASES) {
    test(
      `${c.type} in the container: a tool call that needs approval shows WAITING (approval), RUNNING once approved, then WAITING (input) when fleet wait returns`,
      { skip },
      async (t) => {
        const name = `real-${c.type}-approve`;
        const dir = agentDirIn(name);
        const installed = await inside(
          ["sh", "-c", "cat > /usr/local/bin/touch && chmod 755 /usr/local/bin/touch"],
          SLOW_TOOL,
        );
        assert.equal(installed.code, 0, installed.stderr);
        t.after(() => inside(["rm", "-f", "/usr/local/bin/touch"]));
        const file = await f.file(
          fleetFile(agentLines(name, c, "run the tool [[tool]]", c.approval)),
          `${c.type}-approve.yaml`,
        );
        const applied = await f.sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
        assert.equal(applied.code, 0, applied.stderr);

        const screen = await waitFor(
          async () => {
            const shot = await screenOf(name);
            return c.approval.question.test(shot) ? shot : undefined;
          },
          60_000,
          200,
        );
        assert.match(screen, /touch fleet-tool-ran/);
        const asking = Date.now();
        await waitFor(
          async () => ((await listedOne(name))?.state === "WAITING" ? true : undefined),
          30_000,
          200,
        );
        // Reported, not asserted (machines are shared and noisy): the issue's budget is 2 s.
        t.diagnostic(
          `${c.type}: WAITING in fleet list ${Date.now() - asking} ms after the question was on screen`,
        );
        const table = await f.sb.fleet(["list"]);
        assert.match(table.stdout, new RegExp(`${name}\\s+${HOST}\\s+WAITING\\(approval\\)`));
        const mark = await inside(["cat", `${dir}/waiting`]);
        assert.equal(mark.stdout, "approval\n");
        const ran = () => inside(["test", "-e", `${dir}/work/fleet-tool-ran`]);
        assert.notEqual((await ran()).code, 0, "the tool did not run before the approval");

        // The model is shared by the tests: count this agent's tool result only.
        const toolResults = () => requests.filter((r) => r.kind === "tool-result").length;
        const resultsBefore = toolResults();
        // Its states from the approval on, as `fleet list` shows them: when (ms after the
        // approval), and whether the tool (3 s) was still running once the list had answered.
        const states: { label: string; at: number; toolRunning: boolean }[] = [];
        const approvedAt = Date.now();
        let watching = true;
        const watcher = (async () => {
          while (watching) {
            const label = stateLabel(await listedOne(name));
            const toolRunning = (await ran()).code !== 0;
            if (label !== states.at(-1)?.label || toolRunning !== states.at(-1)?.toolRunning) {
              states.push({ label, at: Date.now() - approvedAt, toolRunning });
            }
            await sleep(100);
          }
        })();
        const history = () =>
          states
            .map((s) => `${s.label} @${s.at} ms${s.toolRunning ? "" : " (tool done)"}`)
            .join(" -> ");

        // The user approves (the first choice, "Yes"): the tool runs and the turn ends.
        const target = `=${f.sb.prefix}${name}:agent`;
        const approved = await inside(["tmux", "send-keys", "-t", target, "Enter"]);
        assert.equal(approved.code, 0, approved.stderr);
        // A key pressed while the dialog is still being drawn can be dropped: as a user
        // would, press Enter again while the same question is still on screen.
        let asked = Date.now();
        await waitFor(
          async () => {
            if (toolResults() > resultsBefore) {
              // The tool (3 s) ran: its result went to the model.
              t.diagnostic(
                `${c.type}: the tool's result reached the model ${Date.now() - approvedAt} ms after the approval`,
              );
              return true;
            }
            if (Date.now() - asked > 3000) {
              asked = Date.now();
              const shot = await screenOf(name);
              if (c.approval.question.test(shot) && (await ran()).code !== 0) {
                await inside(["tmux", "send-keys", "-t", target, "Enter"]);
              }
            }
            return undefined;
          },
          60_000,
          200,
        );
        assert.equal((await ran()).code, 0, "the tool ran once approved");
        const waited = await f.sb.fleet(["wait", name, "--timeout", "60s", "--format", "json"]);
        assert.equal(waited.code, 0, waited.stdout + waited.stderr);
        const done = JSON.parse(waited.stdout) as { agent: { state: string; waitingFor: string } };
        assert.deepEqual([done.agent.state, done.agent.waitingFor], ["WAITING", "input"]);
        // The end of the turn left a plain mark.
        await waitFor(
          async () => ((await inside(["cat", `${dir}/waiting`])).stdout === "" ? true : undefined),
          30_000,
          200,
        );
        // The poller's last read may predate the mark: let it read the list once more.
        await waitFor(
          () => Promise.resolve(states.at(-1)?.label === "WAITING(input)" || undefined),
          10_000,
          100,
        ).catch(() => undefined);
        watching = false;
        await watcher;
        t.diagnostic(`${c.type}: states once approved: ${history()}`);
        assert.equal(states.at(-1)?.label, "WAITING(input)", history());
        // Approved, it works: RUNNING while the tool runs (before its file is there).
        const working = states.some((s) => s.label === "RUNNING" && s.toolRunning);
        assert.ok(working, `RUNNING while the approved tool ran; fleet list showed: ${history()}`);
        const destroyed = await f.sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      },
    );
  }

  test(
    "after the host container restarts, the agents show MISSING; fleet start brings each back and it resumes its conversation",
    { skip },
    async (t) => {
      for (const c of CASES) {
        if (!conversations.has(c.type)) {
          t.diagnostic(`${c.type}: not checked here, its conversation test did not get through`);
        }
      }
      assert.ok(conversations.size > 0, "an agent is left to restart");
      const restarted = await runDocker(["restart", "-t", "5", container]);
      assert.equal(restarted.code, 0, restarted.stderr);
      // The fake model ran in the container too: again, on the port the agents know.
      const model = await startModelIn(container, requests, port);
      models.push(model);
      assert.equal(model.port, port);

      const names = [...conversations.values()].map((a) => a.name);
      let seen = "";
      await waitFor(
        async () => {
          const agents = await listed();
          seen = JSON.stringify(agents.map((a) => [a.name, stateLabel(a)]));
          return names.every((name) => agents.find((a) => a.name === name)?.state === "MISSING")
            ? true
            : undefined;
        },
        60_000,
        500,
      ).catch(() => assert.fail(`the agents did not show MISSING: ${seen}`));

      for (const [type, { name, first }] of conversations) {
        const c = CASES.find((k) => k.type === type);
        assert.ok(c);
        const since = requests.length;
        const started = await f.sb.fleet(["start", name], { env: c.secrets });
        assert.equal(started.code, 0, started.stdout + started.stderr);
        const text = `after the container restart, ${type}`;
        const sent = await f.sb.fleet(["message", name], { input: text });
        assert.equal(sent.code, 0, sent.stderr);
        const resumed = await reached(text, since);
        assert.ok(
          resumed.userTexts?.some((said) => sameText(said, first)),
          `${type} resumed its conversation: the model saw ${JSON.stringify(resumed.userTexts)}`,
        );
        const destroyed = await f.sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      }
    },
  );
});
