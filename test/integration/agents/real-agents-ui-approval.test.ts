/**
 * The dashboard's approve and deny buttons against the real Claude Code and
 * Codex (and OpenCode, which fleet cannot answer for), through a running
 * `fleet ui`'s HTTP API with its bearer token, as the page calls it. The agents
 * run in a network namespace with only loopback, against the fake model server
 * (test/helpers/loopback-netns.ts); `fleet ui` stays outside and reaches them
 * through the sandbox's tmux socket, as `fleet` itself does.
 *
 * For each of claude and codex, one agent asked to run the scripted slow tool
 * (`[[slowtool]]`: `sleep 3 && touch fleet-tool-ran`):
 * - it shows WAITING (approval) in `GET /api/agents`; `POST .../approve` runs the
 *   tool (its file is written, the model gets its result) and the agent goes back
 *   to WAITING (input);
 * - `POST .../approve` then, with nothing asked, is refused with NO_APPROVAL;
 * - asked again (`POST .../message`), `POST .../deny` answers No: the CLI says so,
 *   the agent is back at its prompt, WAITING (input) (no hook tells that after a
 *   refusal: fleet marks it), takes the next message at once, and the tool never ran.
 * Then `fleet approve` / `fleet deny` from the CLI: refused while it asks nothing, and
 * the same answers as the page's (the tool runs; denied, it is WAITING (input)).
 * OpenCode asking for an approval: `POST .../approve` and `fleet deny` are APPROVAL_UNSUPPORTED.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type RunningUi, startFleetUi } from "../../helpers/fleet-ui.ts";
import {
  cliSkipReason,
  netnsSkipReason,
  realCliPath,
  startLoopbackNamespace,
  type LoopbackNamespace,
} from "../../helpers/loopback-netns.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const skipAll = netnsSkipReason();
if (skipAll !== undefined) console.log(`# SKIPPED fleet ui approvals on real agents: ${skipAll}`);

interface AgentRow {
  id: string;
  name: string;
  state: string;
  waitingFor: string | null;
}

const CASES = [
  {
    type: "claude",
    // Claude Code 2.1's default "auto mode" asks a classifier, not the user.
    args: ["--permission-mode", "default"],
    env: (port: number) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
    question: /Do you want to proceed/,
    denied: /Interrupted · What should Claude do instead\?/,
  },
  {
    type: "codex",
    args: [],
    env: (port: number) => ({
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      OPENAI_MODEL: "fake-model",
    }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
    question: /Would you like to run the following command/,
    denied: /You canceled the request to run sleep 3 && touch fleet-tool-ran/,
  },
] as const;

const OPENCODE = {
  type: "opencode",
  args: [],
  // OpenCode runs shell commands without asking unless told to ask.
  env: (port: number) => ({
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
    OPENAI_MODEL: "fake-model",
    OPENCODE_PERMISSION: '{"bash":"ask"}',
  }),
  secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
  question: /Permission required/,
} as const;

type Case = (typeof CASES)[number] | typeof OPENCODE;

describe(
  "fleet ui: approve and deny on the real agent CLIs, offline",
  { skip: skipAll ?? false },
  () => {
    let sb: Sandbox;
    let ns: LoopbackNamespace;
    let ui: RunningUi;

    before(async () => {
      sb = await makeSandbox("real-ui-approval");
      ns = await startLoopbackNamespace(sb);
      ui = await startFleetUi(sb);
    });
    after(async () => {
      await ui?.stop();
      await ns?.stop();
      await sb?.cleanup();
    });

    const api = async (
      method: "GET" | "POST",
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: Record<string, unknown> }> => {
      const response = await fetch(`${ui.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ui.token}`,
          ...(method === "POST" ? { origin: ui.base } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };

    const row = async (name: string): Promise<AgentRow | undefined> => {
      const { status, json } = await api("GET", "/api/agents");
      assert.equal(status, 200, JSON.stringify(json));
      return (json.agents as AgentRow[]).find((a) => a.name === name);
    };
    const shown = (a: AgentRow | undefined): string => `${a?.state ?? "?"}(${a?.waitingFor ?? ""})`;

    /** Waits until `GET /api/agents` shows the agent as `want` (e.g. `WAITING(approval)`). */
    const untilShown = async (name: string, want: string, ms = 60_000): Promise<void> => {
      let last = "";
      await waitFor(
        async () => {
          last = shown(await row(name));
          return last === want ? true : undefined;
        },
        ms,
        200,
      ).catch(async () =>
        assert.fail(
          `${name} never showed ${want} in GET /api/agents (last: ${last}); its waiting mark: ${JSON.stringify(await readFile(join(sb.home, "agents", name, "waiting"), "utf8").catch(() => "none"))}; its screen:\n${await screenOf(name)}`,
        ),
      );
    };

    const screenOf = async (name: string): Promise<string> =>
      (await sb.tmux(["capture-pane", "-p", "-J", "-t", `=${sb.prefix}${name}:agent`])).stdout;

    /** The agent's question is on its screen, and the page's list says it waits for approval. */
    const untilAsking = async (c: Case, name: string): Promise<void> => {
      await waitFor(async () => c.question.test(await screenOf(name)), 60_000, 200).catch(
        async () => assert.fail(`${name} never asked; its screen:\n${await screenOf(name)}`),
      );
      await untilShown(name, "WAITING(approval)", 30_000);
    };

    const makeAgent = async (c: Case, name: string, message: string): Promise<string> => {
      const home = join(sb.dir, `home-${name}`);
      await mkdir(home, { recursive: true });
      const file = join(sb.dir, `${name}.yaml`);
      const env = { ...c.env(ns.port), HOME: home, PATH: realCliPath() };
      await writeFile(
        file,
        [
          "version: 1",
          `name: ${name}`,
          "agents:",
          `  ${name}:`,
          `    agent: ${c.type}`,
          `    args: ${JSON.stringify(c.args)}`,
          `    env: ${JSON.stringify(env)}`,
          `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
          `    message: ${JSON.stringify(message)}`,
          "",
        ].join("\n"),
      );
      const applied = await sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
      assert.equal(applied.code, 0, applied.stderr);
      return join(sb.home, "agents", name, "work");
    };

    const toolRan = (workdir: string): Promise<boolean> =>
      readFile(join(workdir, "fleet-tool-ran")).then(
        () => true,
        () => false,
      );
    // The model is shared by the tests, which run one after another: count from a point on.
    const toolResults = (): number => ns.requests().filter((r) => r.kind === "tool-result").length;

    for (const c of CASES) {
      const skip = cliSkipReason(c.type);
      if (skip !== undefined) console.log(`# SKIPPED fleet ui approvals on ${c.type}: ${skip}`);
      const name = `ui-${c.type}`;
      let workdir = "";

      test(
        `${c.type}: POST approve runs the tool it asked about; it goes back to WAITING (input)`,
        { skip: skip ?? false },
        async () => {
          workdir = await makeAgent(c, name, "run the tool [[slowtool]]");
          await untilAsking(c, name);
          assert.equal(await toolRan(workdir), false, "the tool waits for the answer");
          const resultsBefore = toolResults();

          // Keys are pressed at once: queued behind its turn like a message, they would
          // wait for a turn that cannot end before the answer (AGENT_BUSY after 10 s).
          const answered = await api("POST", `/api/agents/local/${name}/approve`);
          assert.equal(answered.status, 200, JSON.stringify(answered.json));
          assert.equal(answered.json.answered, "approve");
          assert.deepEqual(answered.json.keys, ["Enter"]);

          await waitFor(
            () => Promise.resolve(toolResults() > resultsBefore ? true : undefined),
            60_000,
            200,
          ).catch(async () =>
            assert.fail(
              `the model never got the tool's result; ${shown(await row(name))}, screen:\n${await screenOf(name)}`,
            ),
          );
          assert.equal(await readFile(join(workdir, "fleet-tool-ran"), "utf8"), "");
          await untilShown(name, "WAITING(input)");
        },
      );

      test(
        `${c.type}: POST approve while it asks nothing is refused with NO_APPROVAL`,
        { skip: skip ?? false },
        async () => {
          assert.equal(shown(await row(name)), "WAITING(input)");
          const refused = await api("POST", `/api/agents/local/${name}/approve`);
          assert.equal(refused.status, 400, JSON.stringify(refused.json));
          assert.equal((refused.json.error as { code: string }).code, "NO_APPROVAL");
        },
      );

      test(
        `${c.type}: POST deny answers No: the tool never runs, it is back at its prompt`,
        { skip: skip ?? false },
        async () => {
          await rm(join(workdir, "fleet-tool-ran"), { force: true });
          const sent = await api("POST", `/api/agents/local/${name}/message`, {
            text: "run the tool again [[slowtool]]",
          });
          assert.equal(sent.status, 200, JSON.stringify(sent.json));
          await untilAsking(c, name);

          const answered = await api("POST", `/api/agents/local/${name}/deny`);
          assert.equal(answered.status, 200, JSON.stringify(answered.json));
          assert.equal(answered.json.answered, "deny");
          assert.deepEqual(answered.json.keys, ["Escape"]);

          // Answered once the question was gone and the agent marked as back at its prompt
          // (the page's list shows it at its next round, which the answer asks for).
          await untilShown(name, "WAITING(input)", 10_000);
          const screen = await screenOf(name);
          assert.doesNotMatch(screen, c.question);
          assert.match(screen, c.denied, "the CLI says the call was refused");

          // It takes the next message at once (no turn of its own to wait for), and that
          // turn reaches the model only once the refused call is over: it never ran.
          // (Claude Code sends the refusal with it, "[Request interrupted by user for
          // tool use]" before the text, which the fake model counts as a tool result.)
          const next = "after the denial";
          const took = await api("POST", `/api/agents/local/${name}/message`, { text: next });
          assert.equal(took.status, 200, JSON.stringify(took.json));
          assert.deepEqual(took.json.notices, [], "the message did not wait for a turn");
          await waitFor(
            () => Promise.resolve(ns.requests().some((r) => r.lastUserText?.endsWith(next))),
            60_000,
            200,
          ).catch(async () =>
            assert.fail(
              `"${next}" never reached the model; it got ${JSON.stringify(
                ns
                  .requests()
                  .slice(-4)
                  .map((r) => [r.kind, r.userTexts]),
              )}; screen:\n${await screenOf(name)}`,
            ),
          );
          await untilShown(name, "WAITING(input)");
          assert.equal(await toolRan(workdir), false, "the denied tool did not run");
        },
      );

      test(
        `${c.type}: fleet approve and fleet deny from the CLI do the same`,
        { skip: skip ?? false },
        async () => {
          const notAsking = await sb.fleet(["approve", name]);
          assert.equal(notAsking.code, 1, notAsking.stderr);
          assert.match(notAsking.stderr, /is not asking for an approval/);

          await rm(join(workdir, "fleet-tool-ran"), { force: true });
          assert.equal((await sb.fleet(["message", name, "once more [[slowtool]]"])).code, 0);
          await untilAsking(c, name);
          const approved = await sb.fleet(["approve", name]);
          assert.equal(approved.code, 0, approved.stderr);
          assert.match(approved.stderr, new RegExp(`Approved ${name}'s request`));
          await waitFor(() => toolRan(workdir).then((ran) => ran || undefined), 60_000, 200);
          await untilShown(name, "WAITING(input)");

          await rm(join(workdir, "fleet-tool-ran"), { force: true });
          assert.equal((await sb.fleet(["message", name, "and again [[slowtool]]"])).code, 0);
          await untilAsking(c, name);
          const denied = await sb.fleet(["deny", `${name}@local`, "--format", "json"]);
          assert.equal(denied.code, 0, denied.stderr);
          assert.deepEqual(JSON.parse(denied.stdout), {
            answered: "deny",
            agent: name,
            host: "local",
            keys: ["Escape"],
          });
          const listed = await sb.fleet(["list", "--format", "json"]);
          const agent = (
            JSON.parse(listed.stdout) as {
              agents: { name: string; state: string; waitingFor?: string }[];
            }
          ).agents.find((a) => a.name === name);
          assert.deepEqual([agent?.state, agent?.waitingFor], ["WAITING", "input"]);
          assert.equal(await toolRan(workdir), false, "the denied tool did not run");

          const destroyed = await sb.fleet(["destroy", name, "-y"]);
          assert.equal(destroyed.code, 0, destroyed.stderr);
        },
      );
    }

    const opencodeSkip = cliSkipReason(OPENCODE.type);
    test(
      "opencode: POST approve while it asks is APPROVAL_UNSUPPORTED",
      { skip: opencodeSkip ?? false },
      async () => {
        const name = "ui-opencode";
        const workdir = await makeAgent(OPENCODE, name, "run the tool [[tool]]");
        await untilAsking(OPENCODE, name);
        const refused = await api("POST", `/api/agents/local/${name}/approve`);
        assert.equal(refused.status, 400, JSON.stringify(refused.json));
        assert.equal((refused.json.error as { code: string }).code, "APPROVAL_UNSUPPORTED");
        assert.match(await screenOf(name), OPENCODE.question, "nothing was pressed: it still asks");
        assert.equal(await toolRan(workdir), false);
        const cli = await sb.fleet(["deny", name]);
        assert.equal(cli.code, 1, cli.stderr);
        assert.match(cli.stderr, /fleet cannot answer opencode's approvals/);
        assert.match(await screenOf(name), OPENCODE.question, "fleet deny pressed nothing either");
        const destroyed = await sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      },
    );
  },
);
