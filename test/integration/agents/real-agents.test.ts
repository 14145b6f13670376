/**
 * The real Claude Code, Codex and OpenCode, driven by fleet on the local host,
 * against the fake model server, all inside a network namespace with only
 * loopback (test/helpers/loopback-netns.ts). For each CLI: `fleet apply` of an
 * agent with a first message gets that message to the model (the server's log
 * shows it, exactly once), the reply shows in `fleet transcript`, and no
 * dialog was on screen at any point of the start (the pane is captured
 * throughout and checked against the type's dialogs and the CLIs' known ones).
 * Then nine more messages through `fleet message`, some multi-line, reach the
 * model in order, each once. Restarted, it resumes its conversation; cloned with
 * --conversation and the clone renamed, the copy resumes it too (OpenCode, whose
 * conversation fleet cannot copy, is refused with nothing made).
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  cliSkipReason,
  realCliPath,
  netnsSkipReason,
  startLoopbackNamespace,
  type LoopbackNamespace,
} from "../../helpers/loopback-netns.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import {
  assertTenMessagesInOrder,
  assertTranscriptShows,
  sameText,
} from "../../helpers/real-agent-checks.ts";
import { getAgentType } from "../../../src/core/registry.ts";

/** Words of every first-run dialog of the three CLIs, whatever their type lists. */
const ANY_DIALOG =
  /Do you trust|trust the (?:files|contents)|Detected a custom API key|Select login method|Sign in with|Hooks need review|Update available|Choose the text style|Bypass Permissions mode/i;

interface Case {
  type: "claude" | "codex" | "opencode";
  env: (port: number) => Record<string, string>;
  secrets: Record<string, string>;
}

const CASES: Case[] = [
  {
    type: "claude",
    env: (port) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
    secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
  },
  {
    type: "codex",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
  },
  {
    type: "opencode",
    env: (port) => ({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_MODEL: "fake-model" }),
    secrets: { OPENAI_API_KEY: "sk-fake-key-for-tests" },
  },
];

const skipAll = netnsSkipReason();

describe("real agent CLIs on the local host, offline", { skip: skipAll ?? false }, () => {
  let sb: Sandbox;
  let ns: LoopbackNamespace;
  before(async () => {
    sb = await makeSandbox("real-agents");
    ns = await startLoopbackNamespace(sb);
  });
  after(async () => {
    await ns?.stop();
    await sb?.cleanup();
  });

  for (const c of CASES) {
    const skip = cliSkipReason(c.type);
    test(
      `${c.type}: apply with a first message reaches the model, the reply shows, no dialog; ten messages in order, once each`,
      { skip: skip ?? false },
      async () => {
        const name = `real-${c.type}`;
        const message = `hello ${c.type} from fleet\nthis is the second line`;
        const home = join(sb.dir, `home-${c.type}`);
        await mkdir(home, { recursive: true });
        const env = { ...c.env(ns.port), HOME: home, PATH: realCliPath() };
        const file = join(sb.dir, `${c.type}.yaml`);
        await writeFile(
          file,
          [
            "version: 1",
            `name: real-${c.type}`,
            "agents:",
            `  ${name}:`,
            `    agent: ${c.type}`,
            `    env: ${JSON.stringify(env)}`,
            `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
            `    message: ${JSON.stringify(message)}`,
            "",
          ].join("\n"),
        );

        // Capture the agent's pane over and over while apply starts it and types the message.
        const screens: string[] = [];
        let applying = true;
        const capturing = (async () => {
          while (applying) {
            const shot = await sb.tmux([
              "capture-pane",
              "-p",
              "-J",
              "-t",
              `=${sb.prefix}${name}:agent`,
            ]);
            if (shot.code === 0 && shot.stdout.trim() !== "") screens.push(shot.stdout);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        const applied = await sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
        // Keep watching until the reply is in: a dialog could still come after the paste.
        const sent = message;
        const turn = await waitFor(
          () =>
            Promise.resolve(
              ns.requests().find((r) => r.kind === "turn" && r.lastUserText === sent),
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
          `the message reached the model; it got: ${JSON.stringify(ns.requests().map((r) => [r.path, r.kind, r.lastUserText]))}\nscreen:\n${screens.at(-1) ?? ""}`,
        );
        const turns = ns.requests().filter((r) => r.kind === "turn" && r.lastUserText === sent);
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

        await assertTranscriptShows(sb, name, `ok: hello ${c.type} from fleet`);
        await assertTenMessagesInOrder({
          sb,
          name,
          type: c.type,
          first: message,
          requests: () => ns.requests(),
          reportsTurns: c.type !== "opencode",
        });

        // Stopped and started again, it continues the same conversation: the model is
        // shown the turns from before the restart.
        const stopped = await sb.fleet(["stop", name]);
        assert.equal(stopped.code, 0, stopped.stderr);
        const started = await sb.fleet(["start", name], { env: c.secrets });
        assert.equal(started.code, 0, started.stderr);
        const afterRestart = `after the restart, ${c.type}`;
        const resent = await sb.fleet(["message", name], { input: afterRestart });
        assert.equal(resent.code, 0, resent.stderr);
        const resumed = await waitFor(
          () =>
            Promise.resolve(
              ns
                .requests()
                .find((r) => r.kind === "turn" && sameText(r.lastUserText, afterRestart)),
            ),
          60_000,
          100,
        );
        assert.ok(
          resumed.userTexts?.some((text) => sameText(text, message)),
          `the model saw the turns before the restart: ${JSON.stringify(resumed.userTexts)}`,
        );

        // A clone with --conversation carries the conversation on; a rename keeps it.
        const fork = `${name}-fork`;
        const cloned = await sb.fleet(["clone", name, fork, "--conversation", "--json"], {
          env: c.secrets,
        });
        if (c.type === "opencode") {
          assert.equal(cloned.code, 2, cloned.stdout + cloned.stderr);
          assert.match(cloned.stdout, /CONVERSATION_UNSUPPORTED/);
          const none = await sb.fleet(["list", "--json"]);
          assert.doesNotMatch(none.stdout, new RegExp(`"name":"${fork}"`), "nothing was made");
        } else {
          assert.equal(cloned.code, 0, cloned.stdout + cloned.stderr);
          const doc = JSON.parse(cloned.stdout) as { cloned: { conversation: number | null } };
          assert.ok((doc.cloned.conversation ?? 0) >= 1, cloned.stdout);
          const renamed = `${name}-moved`;
          const moved = await sb.fleet(["rename", fork, renamed], { env: c.secrets });
          assert.equal(moved.code, 0, moved.stdout + moved.stderr);
          const afterClone = `after the clone and rename, ${c.type}`;
          const sentToCopy = await sb.fleet(["message", renamed], { input: afterClone });
          assert.equal(sentToCopy.code, 0, sentToCopy.stderr);
          const forked = await waitFor(
            () =>
              Promise.resolve(
                ns
                  .requests()
                  .find((r) => r.kind === "turn" && sameText(r.lastUserText, afterClone)),
              ),
            60_000,
            100,
          );
          assert.ok(
            forked.userTexts?.some((text) => sameText(text, message)) &&
              forked.userTexts.some((text) => sameText(text, afterRestart)),
            `the copy's model saw the source's turns: ${JSON.stringify(forked.userTexts)}`,
          );
          const gone = await sb.fleet(["destroy", renamed, "-y"]);
          assert.equal(gone.code, 0, gone.stderr);
        }

        const destroyed = await sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      },
    );
  }

  const APPROVALS = [
    {
      type: "claude",
      // Claude Code 2.1's default "auto mode" asks a classifier, not the user.
      args: ["--permission-mode", "default"],
      env: (port: number) => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` }),
      secrets: { ANTHROPIC_API_KEY: "sk-ant-fake-key-for-tests-0123456789abcdef" },
      question: /Do you want to proceed/,
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
    },
    {
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
    },
  ] as const;

  for (const a of APPROVALS) {
    test(
      `${a.type}: a tool call that needs approval shows WAITING (approval) and runs once approved`,
      { skip: cliSkipReason(a.type) ?? false },
      async (t) => {
        const name = `real-${a.type}-approve`;
        const home = join(sb.dir, `home-${a.type}-approve`);
        await mkdir(home, { recursive: true });
        const file = join(sb.dir, `${a.type}-approve.yaml`);
        const env = { ...a.env(ns.port), HOME: home, PATH: realCliPath() };
        await writeFile(
          file,
          [
            "version: 1",
            `name: real-${a.type}-approve`,
            "agents:",
            `  ${name}:`,
            `    agent: ${a.type}`,
            `    args: ${JSON.stringify(a.args)}`,
            `    env: ${JSON.stringify(env)}`,
            `    secrets: ${JSON.stringify(Object.keys(a.secrets))}`,
            // The scripted tool takes 3 s here, so what the agent shows while it runs is seen.
            '    message: "run the tool [[slowtool]]"',
            "",
          ].join("\n"),
        );
        const secrets = a.secrets;
        const applied = await sb.fleet(["apply", "-f", file, "-y"], { env: secrets });
        assert.equal(applied.code, 0, applied.stderr);
        const listed = async () => {
          const shown = await sb.fleet(["list", "--format", "json"]);
          const list = JSON.parse(shown.stdout) as {
            agents: { name: string; state: string; waitingFor: string | null }[];
          };
          return list.agents.find((a) => a.name === name);
        };
        const stateOf = async () => (await listed())?.state;
        const target = `=${sb.prefix}${name}:agent`;
        const screen = await waitFor(
          async () => {
            const shot = await sb.tmux(["capture-pane", "-p", "-J", "-t", target]);
            return a.question.test(shot.stdout) ? shot.stdout : undefined;
          },
          60_000,
          200,
        );
        assert.match(screen, /touch fleet-tool-ran/);
        const asking = Date.now();
        await waitFor(
          async () => ((await stateOf()) === "WAITING" ? true : undefined),
          30_000,
          200,
        );
        // Reported, not asserted (machines are shared and noisy): the budget is 2 s.
        t.diagnostic(
          `WAITING in fleet list ${Date.now() - asking} ms after the question was on screen`,
        );
        const table = await sb.fleet(["list"]);
        assert.match(table.stdout, new RegExp(`${name}\\s+local\\s+WAITING\\(approval\\)`));
        const mark = await readFile(join(sb.home, "agents", name, "waiting"), "utf8");
        assert.equal(mark, "approval\n");
        const workdir = join(sb.home, "agents", name, "work");
        await assert.rejects(readFile(join(workdir, "fleet-tool-ran")), /ENOENT/);

        // The model is shared by the tests: count this agent's tool result only.
        const toolResults = () => ns.requests().filter((r) => r.kind === "tool-result").length;
        const resultsBefore = toolResults();
        // The user approves (the first choice, "Yes"): the tool runs and the turn ends.
        const approved = await sb.tmux(["send-keys", "-t", target, "Enter"]);
        assert.equal(approved.code, 0, approved.stderr);
        // A key pressed while the dialog is still being drawn can be dropped: as a user
        // would, press Enter again while the same question is still on screen.
        let asked = Date.now();
        // What fleet list says while the approved tool runs (its file not there yet).
        const seen: string[] = [];
        await waitFor(
          async () => {
            const now = await listed();
            const toolDone = await readFile(join(workdir, "fleet-tool-ran")).then(
              () => true,
              () => false,
            );
            if (!toolDone) seen.push(`${now?.state ?? "?"}(${now?.waitingFor ?? ""})`);
            if (toolResults() > resultsBefore) return true;
            if (Date.now() - asked > 3000) {
              asked = Date.now();
              const shot = await sb.tmux(["capture-pane", "-p", "-J", "-t", target]);
              if (a.question.test(shot.stdout)) await sb.tmux(["send-keys", "-t", target, "Enter"]);
            }
            return undefined;
          },
          60_000,
          200,
        );
        assert.equal(await readFile(join(workdir, "fleet-tool-ran"), "utf8"), "");
        // Approved, it works: RUNNING while the tool runs (the question gone from its screen).
        assert.ok(
          seen.includes("RUNNING()"),
          `RUNNING while the tool ran; fleet list showed ${seen.join(" ")}`,
        );
        // The approval is over (claude's and codex's PostToolUse cleared the mark before
        // the result went out; opencode's watcher sees the question gone within 0.3 s):
        // `fleet wait` returns when the turn ends, with the agent waiting for input.
        await waitFor(
          async () => ((await listed())?.waitingFor === "approval" ? undefined : true),
          10_000,
          100,
        );
        const waited = await sb.fleet(["wait", name, "--timeout", "60s", "--format", "json"]);
        assert.equal(waited.code, 0, waited.stderr);
        const reached = JSON.parse(waited.stdout) as {
          agent: { state: string; waitingFor: string };
        };
        assert.deepEqual([reached.agent.state, reached.agent.waitingFor], ["WAITING", "input"]);
        // The tool's hooks cleared the approval mark; the end of the turn set a plain one.
        const markFile = join(sb.home, "agents", name, "waiting");
        await waitFor(
          async () =>
            (await readFile(markFile, "utf8").catch(() => undefined)) === "" ? true : undefined,
          30_000,
          200,
        );
        assert.equal(await stateOf(), "WAITING");
        const destroyed = await sb.fleet(["destroy", name, "-y"]);
        assert.equal(destroyed.code, 0, destroyed.stderr);
      },
    );
  }
});
