/**
 * `fleet transcript` and `fleet usage` read from the real CLIs' own records
 * (Claude Code's session files, Codex's rollouts, OpenCode's database), on the
 * local host, against the fake model server, inside a network namespace with
 * only loopback (test/helpers/loopback-netns.ts). For each CLI: an agent applied
 * with a first message, then one more; its transcript shows the user's and the
 * model's turns in order (text and `--format jsonl`), `--tail` keeps the last,
 * `--terminal` still shows the screen, and `fleet usage --format json` equals
 * the usage the fake model reported for the requests of the conversation (its
 * title requests are not in the records, and not counted).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { REAL_CLI_CASES, type RealCliCase } from "../../helpers/real-agent-checks.ts";
import {
  cliSkipReason,
  netnsSkipReason,
  realCliPath,
  startLoopbackNamespace,
  type LoopbackNamespace,
} from "../../helpers/loopback-netns.ts";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

type Case = RealCliCase;
const CASES = REAL_CLI_CASES;

interface JsonTurn {
  at: string | null;
  role: string;
  text: string;
  usage?: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

interface UsageDoc {
  agents: {
    agent: string;
    status: string;
    usage?: { input: number; output: number; cacheRead: number; cacheWrite: number };
  }[];
  total: { input: number; output: number; cacheRead: number; cacheWrite: number; agents: number };
}

const skipAll = netnsSkipReason();
if (skipAll) console.log(`# skipped: ${skipAll}`);

describe(
  "transcripts and usage from the real CLIs' records, offline",
  { skip: skipAll ?? false },
  () => {
    let sb: Sandbox;
    let ns: LoopbackNamespace;
    before(async () => {
      sb = await makeSandbox("real-records");
      ns = await startLoopbackNamespace(sb);
    });
    /** `--follow` readers, stopped even when a check fails first. */
    const followers: ChildProcess[] = [];
    after(async () => {
      for (const child of followers) child.kill();
      await ns?.stop();
      await sb?.cleanup();
    });

    /** The usage the fake model reported for this API's requests, title requests left out. */
    const reported = (api: Case["api"]) => {
      const counted = ns.requests().filter((r) => r.api === api && r.kind !== "title" && r.usage);
      return {
        input: counted.reduce((n, r) => n + (r.usage?.input ?? 0), 0),
        output: counted.reduce((n, r) => n + (r.usage?.output ?? 0), 0),
        cacheRead: 0,
        cacheWrite: 0,
      };
    };

    for (const c of CASES) {
      const skip = cliSkipReason(c.type);
      if (skip) console.log(`# ${c.type} skipped: ${skip}`);
      test(
        `${c.type}: transcript shows the conversation from its records; usage equals what the model reported`,
        { skip: skip ?? false },
        async () => {
          const name = `rec-${c.type}`;
          const first = `first to ${c.type}`;
          const second = `second to ${c.type}`;
          const home = join(sb.dir, `home-${c.type}`);
          await mkdir(home, { recursive: true });
          const env = { ...c.env(ns.port), HOME: home, PATH: realCliPath() };
          const file = join(sb.dir, `${c.type}.yaml`);
          await writeFile(
            file,
            [
              "version: 1",
              `name: rec-${c.type}`,
              "agents:",
              `  ${name}:`,
              `    agent: ${c.type}`,
              `    env: ${JSON.stringify(env)}`,
              `    secrets: ${JSON.stringify(Object.keys(c.secrets))}`,
              `    message: ${JSON.stringify(first)}`,
              "",
            ].join("\n"),
          );
          const applied = await sb.fleet(["apply", "-f", file, "-y"], { env: c.secrets });
          assert.equal(applied.code, 0, applied.stderr);
          const reached = (text: string) =>
            waitFor(
              () =>
                Promise.resolve(
                  ns.requests().some((r) => r.api === c.api && r.lastUserText === text) ||
                    undefined,
                ),
              60_000,
              200,
            );
          await reached(first);
          // Followed from before the second message: its turns come out as they are recorded.
          const follow = spawn(
            process.execPath,
            [fleetBin, "transcript", name, "--follow", "--format", "jsonl"],
            {
              env: sb.env,
              stdio: ["ignore", "pipe", "pipe"],
            },
          );
          followers.push(follow);
          let followed = "";
          follow.stdout.on("data", (chunk: Buffer) => (followed += chunk.toString()));
          const sent = await sb.fleet(["message", name, second]);
          assert.equal(sent.code, 0, sent.stderr);
          await reached(second);

          // The records catch up with the model's replies.
          const want = [
            ["user", first],
            ["assistant", `ok: ${first}`],
            ["user", second],
            ["assistant", `ok: ${second}`],
          ];
          let lastSeen = "";
          const turns = await waitFor(
            async () => {
              const r = await sb.fleet(["transcript", name, "--format", "jsonl"]);
              lastSeen = r.stdout + r.stderr;
              if (r.code !== 0) return undefined;
              const parsed = r.stdout
                .split("\n")
                .filter((line) => line !== "")
                .map((line) => JSON.parse(line) as JsonTurn);
              const texts = parsed.map((t) => [t.role, t.text.trimEnd()]);
              return JSON.stringify(texts) === JSON.stringify(want) ? parsed : undefined;
            },
            60_000,
            500,
          ).catch(() =>
            assert.fail(
              `the transcript never showed ${JSON.stringify(want)}; it showed:\n${lastSeen}`,
            ),
          );
          for (const turn of turns) {
            assert.ok(
              turn.at !== null && !Number.isNaN(Date.parse(turn.at)),
              `a time on ${JSON.stringify(turn)}`,
            );
          }
          assert.ok(turns[1]?.usage && turns[3]?.usage, "the assistant turns carry their usage");
          await waitFor(
            () => Promise.resolve(followed.includes(`ok: ${second}`) || undefined),
            30_000,
            200,
          ).catch(() => assert.fail(`--follow never printed the reply; it printed:\n${followed}`));
          follow.kill();
          const followedTurns = followed
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as JsonTurn)
            .map((t) => [t.role, t.text.trimEnd()]);
          assert.deepEqual(followedTurns.slice(-2), want.slice(-2), "followed, in order");

          const text = await sb.fleet(["transcript", name]);
          assert.equal(text.code, 0, text.stderr);
          const at = want.map(([, words]) => text.stdout.indexOf(words ?? ""));
          assert.ok(
            at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] ?? 0))),
            `in order:\n${text.stdout}`,
          );
          assert.match(text.stdout, /^user .*:$/m);
          assert.match(text.stdout, /^assistant .*:$/m);

          const tail = await sb.fleet(["transcript", name, "--tail", "1", "--format", "jsonl"]);
          assert.equal(tail.code, 0, tail.stderr);
          const kept = tail.stdout
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as JsonTurn);
          assert.deepEqual(
            kept.map((t) => [t.role, t.text.trimEnd()]),
            [["assistant", `ok: ${second}`]],
          );

          const json = await sb.fleet(["transcript", name, "--format", "json"]);
          const doc = JSON.parse(json.stdout) as { source: string; turns: JsonTurn[] };
          assert.equal(doc.source, "records");
          assert.equal(doc.turns.length, 4);

          // The screen capture is still there.
          const terminal = await sb.fleet(["transcript", name, "--terminal"]);
          assert.equal(terminal.code, 0, terminal.stderr);
          assert.ok(
            terminal.stdout.includes(`ok: ${second}`) || terminal.stdout.includes(`ok: ${first}`),
            terminal.stdout,
          );
          assert.doesNotMatch(
            terminal.stdout,
            /^assistant .*:$/m,
            "the terminal, not the rendered records",
          );

          // Usage: what the fake model reported for this conversation's requests.
          let usage: UsageDoc | undefined;
          await waitFor(
            async () => {
              const r = await sb.fleet(["usage", name, "--format", "json"]);
              if (r.code !== 0) return undefined;
              usage = JSON.parse(r.stdout) as UsageDoc;
              return (
                JSON.stringify(usage.agents[0]?.usage) === JSON.stringify(reported(c.api)) ||
                undefined
              );
            },
            30_000,
            500,
          ).catch(() => undefined);
          assert.ok(usage, "fleet usage answered");
          assert.equal(usage.agents.length, 1);
          assert.equal(usage.agents[0]?.status, "ok");
          assert.deepEqual(usage.agents[0]?.usage, reported(c.api));
          const titles = ns.requests().filter((r) => r.api === c.api && r.kind === "title");
          if (titles.length > 0) {
            const withTitles =
              reported(c.api).input + titles.reduce((n, r) => n + (r.usage?.input ?? 0), 0);
            assert.notEqual(
              usage.agents[0]?.usage?.input,
              withTitles,
              "title requests are not counted",
            );
          }
          const { input, output, cacheRead, cacheWrite } = usage.total;
          assert.deepEqual({ input, output, cacheRead, cacheWrite }, reported(c.api));
          // Per fleet: every agent of this file's fleet, and only those.
          const byFleet = await sb.fleet(["usage", "--fleet", `rec-${c.type}`, "--format", "json"]);
          assert.equal(byFleet.code, 0, byFleet.stderr);
          const fleetDoc = JSON.parse(byFleet.stdout) as UsageDoc & {
            fleets: { fleet: string | null; input: number; output: number; agents: number }[];
          };
          assert.deepEqual(
            fleetDoc.agents.map((a) => a.agent),
            [name],
          );
          assert.deepEqual(
            fleetDoc.fleets.map((f) => [f.fleet, f.input, f.output, f.agents]),
            [[`rec-${c.type}`, reported(c.api).input, reported(c.api).output, 1]],
          );

          // The table, for humans: the agent's row and the total.
          const table = await sb.fleet(["usage"]);
          assert.equal(table.code, 0, table.stderr);
          assert.match(
            table.stdout,
            new RegExp(
              `^${name}\\s+local\\s+rec-${c.type}\\s+${c.type}\\s+${reported(c.api).input.toLocaleString("en-US")}\\s`,
              "m",
            ),
          );
          assert.match(table.stdout, /^TOTAL\s/m);

          const destroyed = await sb.fleet(["destroy", name, "-y"]);
          assert.equal(destroyed.code, 0, destroyed.stderr);
        },
      );
    }

    test("a command agent keeps no records: transcript shows its terminal, usage says so", async () => {
      const created = await sb.fleet([
        "create",
        "plain",
        "--no-connect",
        "--command",
        "echo hello-from-plain; sleep 600",
      ]);
      assert.equal(created.code, 0, created.stderr);
      const shown = await waitFor(async () => {
        const r = await sb.fleet(["transcript", "plain"]);
        return r.stdout.includes("hello-from-plain") ? r : undefined;
      });
      assert.equal(shown.code, 0);
      const usage = await sb.fleet(["usage", "plain", "--format", "json"]);
      assert.equal(usage.code, 0, usage.stderr);
      const doc = JSON.parse(usage.stdout) as UsageDoc;
      assert.equal(doc.agents[0]?.status, "none");
      assert.equal(doc.agents[0]?.usage, undefined);
      assert.equal(doc.total.agents, 0);
      const table = await sb.fleet(["usage", "plain"]);
      assert.match(table.stdout, /^plain\s+local\s+-\s+command\s+\(no records\)/m);
      await sb.fleet(["destroy", "plain", "-y"]);
    });
  },
);
