/**
 * The records parsers, on records captured from the real CLIs (Claude Code
 * 2.1.332, Codex 0.171.0, OpenCode 1.18.33) talking to the fake model server:
 * three messages, the third a tool call run after approval, then a fourth. The
 * fake server reported these usages for the requests in each conversation
 * (title requests are not in any CLI's records and are not counted).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import claude from "../../../src/agents/claude.ts";
import codex from "../../../src/agents/codex.ts";
import command from "../../../src/agents/command.ts";
import opencode from "../../../src/agents/opencode.ts";
import {
  claudeProjectDir,
  claudeRecordsScript,
  parseClaudeRecords,
} from "../../../src/agents/records/claude-records.ts";
import { parseCodexRecords } from "../../../src/agents/records/codex-records.ts";
import { parseOpencodeRecords } from "../../../src/agents/records/opencode-records.ts";
import { MAX_TEXT_CHARS } from "../../../src/agents/records/record-lines.ts";
import type { Conversation } from "../../../src/core/contracts/conversation.ts";
import type { AgentSpec } from "../../../src/core/model.ts";
import { repoRoot } from "../../helpers/sandbox.ts";

const fixture = (name: string): string =>
  readFileSync(join(repoRoot, "test", "fixtures", "records", name), "utf8");

/** What the fake model logged (input, output) per request of each conversation, in order. */
const FAKE_USAGE = {
  claude: [
    [1888, 8],
    [1894, 8],
    [1902, 6],
    [1902, 4],
    [1908, 8],
  ],
  codex: [
    [16, 8],
    [22, 8],
    [29, 6],
    [29, 4],
    [35, 8],
  ],
  opencode: [
    [2415, 9],
    [2421, 9],
    [2430, 6],
    [2430, 4],
    [2436, 9],
  ],
} as const;

const sum = (rows: readonly (readonly [number, number])[]) => ({
  input: rows.reduce((n, [i]) => n + i, 0),
  output: rows.reduce((n, [, o]) => n + o, 0),
  cacheRead: 0,
  cacheWrite: 0,
});

/** role: text (tool turns: role name) of each turn, for comparing shapes. */
const shape = (c: Conversation): string[] =>
  c.turns.map((t) => (t.tool ? `${t.role} ${t.tool.name}` : `${t.role}: ${t.text}`));

const CASES = [
  {
    type: "claude" as const,
    parse: parseClaudeRecords,
    file: "claude-session.jsonl",
    tool: "Bash",
    result: "(Bash completed with no output)",
  },
  {
    type: "codex" as const,
    parse: parseCodexRecords,
    file: "codex-session.jsonl",
    tool: "exec_command",
    result: "Process exited with code 0",
  },
  {
    type: "opencode" as const,
    parse: parseOpencodeRecords,
    file: "opencode-session.jsonl",
    tool: "bash",
    result: "(no output)",
  },
];

for (const c of CASES) {
  describe(`${c.type} records`, () => {
    const conversation = c.parse(fixture(c.file));

    test("user, assistant and tool turns in order, with the model's replies", () => {
      const t = c.type;
      assert.deepEqual(shape(conversation), [
        `user: first message to ${t}`,
        `assistant: ok: first message to ${t}`,
        `user: second message to ${t}`,
        `assistant: ok: second message to ${t}`,
        `user: run the tool [[tool]] for ${t}`,
        `tool ${c.tool}`,
        "assistant: the tool ran",
        `user: third message to ${t}`,
        `assistant: ok: third message to ${t}`,
      ]);
      assert.equal(conversation.skipped, 0);
      for (const turn of conversation.turns)
        assert.match(turn.at ?? "", /^2026-12-02T\d\d:\d\d:\d\d/);
    });

    test("a tool turn has the call's input and its result", () => {
      const tool = conversation.turns.find((t) => t.role === "tool");
      assert.ok(tool?.tool);
      assert.match(JSON.stringify(tool.tool.input), /touch fleet-tool-ran/);
      assert.ok(tool.text.includes(c.result), tool.text);
    });

    test("usage is the sum the fake model reported for the conversation's requests", () => {
      assert.deepEqual(conversation.usage, sum(FAKE_USAGE[c.type]));
      assert.equal(conversation.responses, 5);
      const perTurn = conversation.turns.flatMap((t) =>
        t.usage ? [[t.usage.input, t.usage.output]] : [],
      );
      assert.deepEqual(perTurn, FAKE_USAGE[c.type]);
    });

    test("garbage, cut and hostile lines are skipped, never thrown", () => {
      const noisy = `{"cut in the midd\nnot json\n[1,2]\n${fixture(c.file)}\n\u0000\u001b[31m\n`;
      const read = c.parse(noisy);
      assert.deepEqual(shape(read), shape(conversation));
      assert.ok(read.skipped >= 3, `skipped ${read.skipped}`);
      assert.deepEqual(c.parse(""), { turns: [], usage: sum([]), responses: 0, skipped: 0 });
    });

    test("the agent type carries its records", () => {
      const type = { claude, codex, opencode }[c.type];
      assert.deepEqual(type.records?.parse(fixture(c.file)), conversation);
    });
  });
}

test("claude: a message split over several lines (same message.id) counts its usage once", () => {
  const usage = {
    input_tokens: 100,
    output_tokens: 7,
    cache_read_input_tokens: 50,
    cache_creation_input_tokens: 20,
  };
  const lines = [
    {
      type: "user",
      uuid: "u1",
      timestamp: "2026-01-01T00:00:00Z",
      message: { role: "user", content: "hi" },
    },
    {
      type: "assistant",
      uuid: "a1",
      message: { id: "m1", content: [{ type: "text", text: "one" }], usage },
    },
    {
      type: "assistant",
      uuid: "a2",
      message: {
        id: "m1",
        content: [{ type: "tool_use", id: "t1", name: "Read", input: { path: "x" } }],
        usage,
      },
    },
    // A resumed session repeats earlier lines: read once.
    {
      type: "assistant",
      uuid: "a1",
      message: { id: "m1", content: [{ type: "text", text: "one" }], usage },
    },
  ];
  const read = parseClaudeRecords(lines.map((l) => JSON.stringify(l)).join("\n"));
  assert.deepEqual(read.usage, { input: 100, output: 7, cacheRead: 50, cacheWrite: 20 });
  assert.equal(read.responses, 1);
  assert.deepEqual(shape(read), ["user: hi", "assistant: one", "tool Read"]);
});

test("claude: context it wraps in tags and meta lines are not the user's turns", () => {
  const lines = [
    {
      type: "user",
      message: { content: [{ type: "text", text: "<system-reminder>x</system-reminder>" }] },
    },
    { type: "user", isMeta: true, message: { content: "Caveat: ..." } },
    { type: "user", isSidechain: true, message: { content: "a subagent's prompt" } },
    { type: "user", message: { content: "typed" } },
  ];
  const read = parseClaudeRecords(lines.map((l) => JSON.stringify(l)).join("\n"));
  assert.deepEqual(shape(read), ["user: typed"]);
});

test("codex: a rollout of its title thread is not read, nor counted", () => {
  const title = [
    {
      timestamp: "2026-12-02T13:31:03Z",
      type: "session_meta",
      payload: { id: "t", thread_source: "internal" },
    },
    {
      timestamp: "2026-12-02T13:31:03Z",
      type: "response_item",
      payload: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "Generate a concise title" }],
      },
    },
    {
      timestamp: "2026-12-02T13:31:03Z",
      type: "token_usage_record",
      payload: { response_id: "r-title", usage: { input_tokens: 119, output_tokens: 13 } },
    },
  ];
  const output = `${fixture("codex-session.jsonl")}@@fleet:file\n${title.map((l) => JSON.stringify(l)).join("\n")}\n`;
  const read = parseCodexRecords(output);
  assert.deepEqual(read.usage, sum(FAKE_USAGE.codex));
  assert.ok(!read.turns.some((t) => t.text.includes("Generate a concise")));
});

test("codex: cached input is taken out of input; without usage records, token_count events count once each", () => {
  const usage = (input: number, cached: number, output: number) => ({
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
  });
  const lines = [
    {
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
    },
    {
      type: "response_item",
      payload: {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "done" }],
      },
    },
    {
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: usage(100, 40, 5), last_token_usage: usage(100, 40, 5) },
      },
    },
    // The same totals again (a rate-limit update): not a new response.
    {
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: usage(100, 40, 5), last_token_usage: usage(100, 40, 5) },
      },
    },
    { type: "event_msg", payload: { type: "token_count", info: null } },
  ];
  const read = parseCodexRecords(lines.map((l) => JSON.stringify(l)).join("\n"));
  assert.deepEqual(read.usage, { input: 60, output: 5, cacheRead: 40, cacheWrite: 0 });
  assert.equal(read.responses, 1);
  assert.deepEqual(read.turns[1]?.usage, read.usage);
});

test("opencode: a subagent's session counts in usage but is not the conversation", () => {
  const rows = [
    { kind: "message", id: "m1", root: 0, data: { role: "user", time: { created: 1 } } },
    { kind: "part", message: "m1", data: { type: "text", text: "subagent prompt" } },
    {
      kind: "message",
      id: "m2",
      root: 0,
      data: {
        role: "assistant",
        tokens: { input: 10, output: 2, reasoning: 3, cache: { read: 4, write: 5 } },
      },
    },
  ];
  const read = parseOpencodeRecords(rows.map((r) => JSON.stringify(r)).join("\n"));
  assert.deepEqual(read.turns, []);
  assert.deepEqual(read.usage, { input: 10, output: 5, cacheRead: 4, cacheWrite: 5 });
});

test("a turn's text is clipped, saying how much was left out", () => {
  const long = "x".repeat(MAX_TEXT_CHARS + 10);
  const read = parseClaudeRecords(JSON.stringify({ type: "user", message: { content: long } }));
  assert.match(read.turns[0]?.text ?? "", /… \(10 more characters\)$/);
});

test("command agents keep no records", () => {
  assert.equal(command.records, undefined);
});

const spec = (env: Record<string, string> = {}): AgentSpec =>
  ({
    name: "a",
    host: "local",
    agent: "claude",
    args: [],
    env,
    secrets: [],
    services: [],
    labels: {},
  }) as unknown as AgentSpec;

test("claude's records script prints the work dir's session files, conversation lines only", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleet-records-"));
  try {
    const workdir = "/srv/work dir/a.b";
    assert.equal(claudeProjectDir(workdir), "-srv-work-dir-a-b");
    const project = join(dir, "claude", "projects", claudeProjectDir(workdir));
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "s1.jsonl"),
      fixture("claude-session.jsonl").replaceAll("@@fleet:file\n", "") +
        '{"type":"api-request-shape","big":1}\n',
    );
    mkdirSync(join(dir, "claude", "projects", "-other"), { recursive: true });
    writeFileSync(
      join(dir, "claude", "projects", "-other", "s2.jsonl"),
      '{"type":"user","message":{"content":"elsewhere"}}\n',
    );
    const out = execFileSync(
      "sh",
      ["-c", claudeRecordsScript(spec(), { workdir, agentDir: dir })],
      {
        env: { PATH: process.env.PATH ?? "", FLEET_AGENT_DIR: dir },
      },
    ).toString();
    assert.doesNotMatch(out, /api-request-shape|elsewhere/);
    assert.deepEqual(
      shape(parseClaudeRecords(out)),
      shape(parseClaudeRecords(fixture("claude-session.jsonl"))),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("opencode: each agent gets its own database unless the spec names one", () => {
  const launch = opencode.launchCommand(spec(), { workdir: "/w", agentDir: "/a" });
  assert.match(launch, /^export OPENCODE_DB="\$FLEET_AGENT_DIR\/opencode\.db"$/m);
  const own = opencode.launchCommand(spec({ OPENCODE_DB: "/data/x.db" }), {
    workdir: "/w",
    agentDir: "/a",
  });
  assert.doesNotMatch(own, /OPENCODE_DB=/);
  assert.match(
    opencode.records?.script(spec({ OPENCODE_DB: "/data/x.db" }), {
      workdir: "/w",
      agentDir: "/a",
    }) ?? "",
    /fleet_db=\/data\/x\.db/,
  );
});
