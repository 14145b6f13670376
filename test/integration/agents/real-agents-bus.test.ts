/**
 * A real agent CLI uses the agents' bus: Claude Code, Codex and OpenCode,
 * launched by fleet on the local host inside a network namespace with only
 * loopback (test/helpers/loopback-netns.ts), against the fake model server, with
 * a `command` agent `peer` (`sleep 600`) in the same fleet.
 *
 * - A `fleet message` holding `[[bus-send peer hello from <type>]]` makes the fake
 *   model call the bus's `send_message` tool (the MCP tool fleet registered with
 *   the CLI at launch: Claude's `mcp__fleet-bus__send_message`, Codex's
 *   `send_message` in its namespace `mcp__fleet_bus`, OpenCode's
 *   `fleet-bus_send_message`); the CLI runs it through the agent's endpoint
 *   without asking (OpenCode's bash still asks here), and the message is in
 *   peer's mailbox, read with peer's own token, from `<agent>@local`, exactly once.
 * - The operator's bus message to the agent makes the bus type "1 new message:
 *   call get_messages" at its prompt, and that notice reaches the model as the
 *   user's turn.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { callBusTool, connectBus } from "../../../src/core/bus/client.ts";
import { BUS_SEND_TOOLS } from "../../helpers/fake-model/replies.ts";
import { REAL_CLI_CASES, type RealCliCase } from "../../helpers/real-agent-checks.ts";
import {
  cliSkipReason,
  netnsSkipReason,
  realCliPath,
  startLoopbackNamespace,
  type LoopbackNamespace,
} from "../../helpers/loopback-netns.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

type Case = RealCliCase;
// Bash asks, as in real-agents.test.ts: the bus's tools must not.
const CASES: Case[] = REAL_CLI_CASES.map((c) =>
  c.type === "opencode"
    ? { ...c, env: (port) => ({ ...c.env(port), OPENCODE_PERMISSION: '{"bash":"ask"}' }) }
    : c,
);

const PEER = "peer";
const FLEET = "real-bus";
const agentName = (c: Case): string => `bus-${c.type}`;

interface Mail {
  id: string;
  from: string;
  to: string;
  body: string;
}

const skipAll = netnsSkipReason();

/** True while a process's command line names a path under `dir` (an agent still exiting). */
async function runsIn(dir: string): Promise<boolean> {
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const args = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (args.includes(dir)) return true;
  }
  return false;
}

describe("a real agent CLI uses the agents' bus, offline", { skip: skipAll ?? false }, () => {
  let sb: Sandbox;
  let ns: LoopbackNamespace;
  /** The cases whose CLI is installed: all in one fleet with peer. */
  const present = CASES.filter((c) => cliSkipReason(c.type) === undefined);
  const env = () => ({ home: sb.home, prefix: sb.prefix });
  const token = async (name: string) =>
    (await readFile(join(sb.home, "agents", name, "bus-token"), "utf8")).trim();
  const screenOf = async (name: string) =>
    (await sb.tmux(["capture-pane", "-p", "-J", "-t", `=${sb.prefix}${name}:agent`])).stdout;
  /** What the model got from one CLI, for failure messages. */
  const seenBy = (c: Case) =>
    JSON.stringify(
      ns
        .requests()
        .filter((r) => r.api === c.api)
        .map((r) => ({ kind: r.kind, user: r.lastUserText, tools: r.tools, reply: r.reply })),
      null,
      1,
    );
  /** Peer's mailbox, read with peer's own token. */
  const peerMail = async (): Promise<Mail[]> => {
    const client = await connectBus(env(), { token: await token(PEER), processEnv: sb.env });
    try {
      return (await callBusTool(client, "get_messages", { limit: 500 })).messages as Mail[];
    } finally {
      await client.close();
    }
  };

  /**
   * Waits until the CLI offers the model the bus's send_message tool: messages
   * `bus check N`, one a second, until one's request lists it; returns N.
   * Claude Code draws its prompt, and takes the first message, before its MCP
   * servers have connected (the endpoint waits for the bus daemon the launch
   * started; 1.4 s here): that turn offers only ToolSearch, which a real model
   * would call, and the system prompt says the server is still connecting.
   * Codex waits for its MCP servers before the first turn. OpenCode's first
   * turn may come before its MCP server has connected.
   */
  const busToolsOffered = async (c: Case): Promise<number> => {
    const deadline = Date.now() + 60_000;
    for (let probe = 1; ; probe++) {
      const text = `bus check ${probe}`;
      const sent = await sb.fleet(["message", agentName(c)], { input: text, timeoutMs: 120_000 });
      assert.equal(sent.code, 0, `${sent.stderr}\n${await screenOf(agentName(c))}`);
      const request = await waitFor(
        () =>
          Promise.resolve(ns.requests().find((r) => r.api === c.api && r.lastUserText === text)),
        60_000,
        200,
      );
      if (request.tools?.some((tool) => BUS_SEND_TOOLS.includes(tool))) return probe;
      if (Date.now() > deadline) {
        assert.fail(
          `the CLI never offered the model ${BUS_SEND_TOOLS.join(" or ")}; it offered ${JSON.stringify(request.tools)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  before(async () => {
    sb = await makeSandbox("real-bus");
    ns = await startLoopbackNamespace(sb);
    const lines = ["version: 1", `name: ${FLEET}`, "agents:"];
    for (const c of present) {
      const home = join(sb.dir, `home-${c.type}`);
      await mkdir(home, { recursive: true });
      lines.push(
        `  ${agentName(c)}:`,
        `    agent: ${c.type}`,
        `    env: ${JSON.stringify({ ...c.env(ns.port), HOME: home, PATH: realCliPath() })}`,
        `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
      );
    }
    lines.push(`  ${PEER}:`, "    agent: command", '    command: "sleep 600"', "");
    const file = join(sb.dir, "bus.yaml");
    await writeFile(file, lines.join("\n"));
    const secrets = Object.assign({}, ...present.map((c) => c.secrets)) as Record<string, string>;
    const applied = await sb.fleet(["apply", "-f", file, "-y"], {
      env: secrets,
      timeoutMs: 120_000,
    });
    assert.equal(applied.code, 0, `${applied.stdout}\n${applied.stderr}`);
  });
  after(async () => {
    // Destroyed, and their processes gone, first: Claude Code writes its MCP logs
    // as it exits, into the sandbox the cleanup would be removing.
    for (const name of [...present.map(agentName), PEER]) {
      await sb?.fleet(["destroy", name, "-y"], { timeoutMs: 60_000 });
    }
    const agents = sb && join(sb.home, "agents");
    if (agents)
      await waitFor(async () => !(await runsIn(agents)), 10_000, 200).catch(() => undefined);
    await ns?.stop();
    await sb?.cleanup();
  });

  for (const c of CASES) {
    const name = agentName(c);
    const skip = skipAll ?? cliSkipReason(c.type);

    test(
      `${c.type}: the model's send_message tool call reaches peer's mailbox, from ${name}@local, once`,
      { skip: skip ?? false },
      async (t) => {
        const body = `hello from ${c.type}`;
        const text = `tell peer hello [[bus-send ${PEER} ${body}]]`;
        const probes = await busToolsOffered(c);
        t.diagnostic(`the bus tools were offered from probe ${probes}`);
        const sent = await sb.fleet(["message", name], { input: text, timeoutMs: 120_000 });
        assert.equal(sent.code, 0, `${sent.stderr}\n${await screenOf(name)}`);

        // The model was asked, and answered with the bus tool's call (it was offered).
        const turn = await waitFor(
          () =>
            Promise.resolve(ns.requests().find((r) => r.api === c.api && r.lastUserText === text)),
          60_000,
          200,
        ).catch(() => undefined);
        assert.ok(turn, `the message reached the model; it got:\n${seenBy(c)}`);
        assert.equal(
          turn.reply?.kind,
          "tool",
          `the model was offered the bus tool; it replied ${JSON.stringify(turn.reply)}; tools offered: ${JSON.stringify(turn.tools)}`,
        );

        // The CLI ran it: the message is in peer's mailbox, from this agent.
        const mine = (mail: Mail[]) => mail.filter((m) => m.body === body);
        const arrived = await waitFor(
          async () => {
            const found = mine(await peerMail());
            return found.length > 0 ? found : undefined;
          },
          60_000,
          300,
        ).catch(() => undefined);
        assert.ok(
          arrived,
          `the message reached peer's mailbox; screen:\n${await screenOf(name)}\nthe model got:\n${seenBy(c)}`,
        );
        // The turn ends after the tool's result (nothing sent twice meanwhile).
        await waitFor(
          () =>
            Promise.resolve(
              ns
                .requests()
                .some((r) => r.api === c.api && r.kind === "tool-result" && r.seq > turn.seq),
            ),
          60_000,
          200,
        ).catch(async () =>
          assert.fail(`the tool's result reached the model; screen:\n${await screenOf(name)}`),
        );
        const final = mine(await peerMail());
        assert.deepEqual(
          final.map((m) => [m.from, m.to, m.body]),
          [[`${name}@local`, `${PEER}@local`, body]],
          "exactly one message, from the agent, to peer",
        );
        // The operator's view agrees.
        const shown = await sb.fleet(["messages", "--agent", PEER, "--format", "json"]);
        assert.equal(shown.code, 0, shown.stderr);
        const traffic = (JSON.parse(shown.stdout) as { messages: Mail[] }).messages;
        assert.equal(
          traffic.filter((m) => m.body === body && m.from === `${name}@local`).length,
          1,
        );
      },
    );

    test(
      `${c.type}: the operator's bus message puts "1 new message: call get_messages" before the model`,
      { skip: skip ?? false },
      async () => {
        const before = ns.requests().length;
        const operator = await connectBus(env(), { processEnv: sb.env });
        try {
          await callBusTool(operator, "send_message", {
            to: name,
            body: `a bus message for ${c.type}`,
          });
        } finally {
          await operator.close();
        }
        const notice = "1 new message: call get_messages";
        const turn = await waitFor(
          () =>
            Promise.resolve(
              ns
                .requests()
                .slice(before)
                .find((r) => r.api === c.api && r.kind === "turn" && r.lastUserText === notice),
            ),
          90_000,
          300,
        ).catch(() => undefined);
        assert.ok(
          turn,
          `the notice reached the model as a user turn; screen:\n${await screenOf(name)}\nthe model got:\n${seenBy(c)}`,
        );
      },
    );
  }
});
