/**
 * The fake model server the real-agent tests use, checked with plain HTTP: each
 * API's streaming shape, the scripted replies, title requests, and the request log.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeModel, type FakeModel } from "../../helpers/fake-model/server.ts";
import { anthropicShellCall } from "../../helpers/fake-model/anthropic.ts";
import {
  BUS_TOOL_MISSING,
  chooseReply,
  SLOW_TOOL_COMMAND,
  TITLE_JSON,
  TOOL_COMMAND,
  TOOL_DONE_TEXT,
} from "../../helpers/fake-model/replies.ts";

let model: FakeModel;
before(async () => {
  model = await startFakeModel({ slowMs: 200 });
});
after(() => model.close());

const post = (path: string, body: unknown) =>
  fetch(`${model.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** The `data:` payloads of an SSE body, parsed, with their `event:` names. */
async function events(response: Response): Promise<{ event?: string; data: unknown }[]> {
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      return {
        ...(event === undefined ? {} : { event }),
        data: data === "[DONE]" ? data : (JSON.parse(data) as unknown),
      };
    });
}

const tools = [{ name: "Bash", input_schema: { type: "object" } }];

describe("fake model: Anthropic Messages", () => {
  it("streams a text reply to the newest user message, with usage, and logs it", async () => {
    const before = model.requests.length;
    const stream = await events(
      await post("/v1/messages?beta=true", {
        model: "claude-test",
        stream: true,
        tools,
        system: [{ type: "text", text: "You are a test." }],
        messages: [
          { role: "user", content: "first" },
          { role: "assistant", content: "ok: first" },
          {
            role: "user",
            content: [
              { type: "text", text: "<system-reminder>context</system-reminder>" },
              { type: "text", text: "second\nmore" },
            ],
          },
        ],
      }),
    );
    const types = stream.map((e) => (e.data as { type: string }).type);
    assert.deepEqual(types, [
      "message_start",
      "content_block_start",
      ...types.filter((t) => t === "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    assert.deepEqual(
      stream.map((e) => e.event),
      types,
      "each event is named by its type",
    );
    const text = stream
      .map((e) => e.data as { delta?: { text?: string } })
      .map((d) => d.delta?.text ?? "")
      .join("");
    assert.equal(text, "ok: second");
    const delta = stream.find((e) => (e.data as { type: string }).type === "message_delta");
    const logged = model.requests.slice(before);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.kind, "turn");
    assert.equal(logged[0]?.lastUserText, "second\nmore");
    assert.deepEqual(logged[0]?.userTexts, ["first", "second\nmore"]);
    assert.deepEqual(delta?.data, {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: logged[0]?.usage?.output },
    });
  });

  it("answers [[tool]] with a Bash tool_use, then closes the turn after the tool result", async () => {
    const stream = await events(
      await post("/v1/messages", {
        stream: true,
        tools,
        messages: [{ role: "user", content: "please [[tool]]" }],
      }),
    );
    const start = stream.find((e) => (e.data as { type: string }).type === "content_block_start");
    assert.equal(
      (start?.data as { content_block: { type: string; name: string } }).content_block.type,
      "tool_use",
    );
    const json = stream
      .map((e) => (e.data as { delta?: { partial_json?: string } }).delta?.partial_json ?? "")
      .join("");
    assert.equal((JSON.parse(json) as { command: string }).command, TOOL_COMMAND);
    const stop = stream.find((e) => (e.data as { type: string }).type === "message_delta");
    assert.equal((stop?.data as { delta: { stop_reason: string } }).delta.stop_reason, "tool_use");

    const done = await post("/v1/messages", {
      stream: false,
      tools,
      messages: [
        { role: "user", content: "please [[tool]]" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "Bash", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "" }] },
      ],
    });
    const message = (await done.json()) as { content: { text: string }[]; stop_reason: string };
    assert.equal(message.content[0]?.text, TOOL_DONE_TEXT);
    assert.equal(model.requests.at(-1)?.kind, "tool-result");
  });

  it("answers [[bus-send]] with a tool_use of the offered MCP tool, and logs the tools offered", async () => {
    const offered = [
      { name: "Bash", input_schema: { type: "object" } },
      { name: "mcp__fleet-bus__send_message", input_schema: { type: "object" } },
    ];
    const stream = await events(
      await post("/v1/messages", {
        stream: true,
        tools: offered,
        messages: [{ role: "user", content: "[[bus-send peer hello there]]" }],
      }),
    );
    const start = stream.find((e) => (e.data as { type: string }).type === "content_block_start");
    assert.equal(
      (start?.data as { content_block: { name: string } }).content_block.name,
      "mcp__fleet-bus__send_message",
    );
    const json = stream
      .map((e) => (e.data as { delta?: { partial_json?: string } }).delta?.partial_json ?? "")
      .join("");
    assert.deepEqual(JSON.parse(json), { to: "peer", body: "hello there" });
    assert.deepEqual(model.requests.at(-1)?.tools, ["Bash", "mcp__fleet-bus__send_message"]);
  });

  it("answers a title request (no tools, asks for a title) with JSON", async () => {
    const response = await post("/v1/messages", {
      stream: false,
      system: "Generate a short title for the conversation. Reply as JSON.",
      messages: [{ role: "user", content: "fix the bug" }],
    });
    const message = (await response.json()) as { content: { text: string }[] };
    assert.deepEqual(JSON.parse(message.content[0]?.text ?? ""), JSON.parse(TITLE_JSON));
    assert.equal(model.requests.at(-1)?.kind, "title");
  });
});

describe("fake model: OpenAI Responses", () => {
  it("streams response.* events ending in response.completed with usage", async () => {
    const stream = await events(
      await post("/v1/responses", {
        model: "m",
        stream: true,
        tools: [{ type: "function", name: "exec_command" }],
        instructions: "be brief",
        input: [
          {
            type: "message",
            role: "user",
            content: [{ type: "input_text", text: "<environment_context>x</environment_context>" }],
          },
          { type: "message", role: "user", content: [{ type: "input_text", text: "hello codex" }] },
        ],
      }),
    );
    const types = stream.map((e) => e.event);
    assert.equal(types[0], "response.created");
    assert.equal(types.at(-1), "response.completed");
    for (const expected of [
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
    ]) {
      assert.ok(types.includes(expected), `has ${expected}`);
    }
    const deltas = stream.filter((e) => e.event === "response.output_text.delta");
    assert.equal(
      deltas.map((e) => (e.data as { delta: string }).delta).join(""),
      "ok: hello codex",
    );
    const completed = stream.at(-1)?.data as {
      response: { usage: { input_tokens: number; output_tokens: number } };
    };
    assert.deepEqual(
      {
        input: completed.response.usage.input_tokens,
        output: completed.response.usage.output_tokens,
      },
      model.requests.at(-1)?.usage,
    );
    assert.deepEqual(model.requests.at(-1)?.userTexts, ["hello codex"]);
  });

  it("answers [[tool]] with an exec_command call that asks for escalation", async () => {
    const stream = await events(
      await post("/v1/responses", {
        stream: true,
        tools: [{ type: "function", name: "exec_command" }],
        input: [{ type: "message", role: "user", content: "[[tool]] now" }],
      }),
    );
    const done = stream.find((e) => e.event === "response.output_item.done")?.data as {
      item: { type: string; name: string; arguments: string };
    };
    assert.equal(done.item.type, "function_call");
    assert.equal(done.item.name, "exec_command");
    assert.deepEqual(JSON.parse(done.item.arguments), {
      cmd: TOOL_COMMAND,
      sandbox_permissions: "require_escalated",
      justification: "The scripted test asks to run this command",
    });
  });

  it("answers [[bus-send]] with a function_call of the bus tool in Codex's MCP namespace", async () => {
    const stream = await events(
      await post("/v1/responses", {
        stream: true,
        tools: [
          { type: "function", name: "exec_command" },
          {
            type: "namespace",
            name: "mcp__fleet_bus",
            tools: [
              { type: "function", name: "get_messages" },
              { type: "function", name: "send_message" },
            ],
          },
        ],
        input: [{ type: "message", role: "user", content: "[[bus-send peer hi from codex]]" }],
      }),
    );
    const done = stream.find((e) => e.event === "response.output_item.done")?.data as {
      item: { type: string; name: string; namespace?: string; arguments: string };
    };
    assert.deepEqual(
      [done.item.type, done.item.namespace, done.item.name],
      ["function_call", "mcp__fleet_bus", "send_message"],
    );
    assert.deepEqual(JSON.parse(done.item.arguments), { to: "peer", body: "hi from codex" });
    assert.deepEqual(model.requests.at(-1)?.tools, [
      "exec_command",
      "mcp__fleet_bus/get_messages",
      "mcp__fleet_bus/send_message",
    ]);
  });

  it("treats Codex's title thread ('Generate a concise ...') as a title request", async () => {
    await events(
      await post("/v1/responses", {
        stream: true,
        tools: [{ type: "function", name: "exec_command" }],
        input: [{ type: "message", role: "user", content: "Generate a concise title for: fix it" }],
      }),
    );
    assert.equal(model.requests.at(-1)?.kind, "title");
    assert.equal(model.requests.at(-1)?.reply?.kind, "text");
  });
});

describe("fake model: chat completions", () => {
  it("streams chunks, a finish_reason, a usage chunk when asked, then [DONE]", async () => {
    const stream = await events(
      await post("/v1/chat/completions", {
        stream: true,
        stream_options: { include_usage: true },
        tools: [{ type: "function", function: { name: "bash" } }],
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: "hi opencode [[slow]]" },
        ],
      }),
    );
    assert.equal(stream.at(-1)?.data, "[DONE]");
    const chunks = stream.slice(0, -1).map(
      (e) =>
        e.data as {
          choices: { delta: { content?: string }; finish_reason: string | null }[];
          usage?: { prompt_tokens: number; completion_tokens: number };
        },
    );
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "ok: hi opencode [[slow]]");
    assert.ok(chunks.length >= 10, "a slow reply comes in many chunks");
    assert.equal(
      chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason,
      "stop",
    );
    const usage = chunks.at(-1)?.usage;
    assert.deepEqual(
      { input: usage?.prompt_tokens, output: usage?.completion_tokens },
      model.requests.at(-1)?.usage,
    );
  });

  it("answers [[tool]] with a bash tool call", async () => {
    const stream = await events(
      await post("/v1/chat/completions", {
        stream: true,
        tools: [{ type: "function", function: { name: "bash" } }],
        messages: [{ role: "user", content: "[[tool]]" }],
      }),
    );
    const chunks = stream.slice(0, -1).map(
      (e) =>
        e.data as {
          choices: {
            delta: { tool_calls?: { function: { name: string; arguments: string } }[] };
            finish_reason: string | null;
          }[];
        },
    );
    const call = chunks.find((c) => c.choices[0]?.delta.tool_calls)?.choices[0]?.delta
      .tool_calls?.[0];
    assert.equal(call?.function.name, "bash");
    assert.equal(
      (JSON.parse(call?.function.arguments ?? "{}") as { command: string }).command,
      TOOL_COMMAND,
    );
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === "tool_calls"));
  });

  it("answers [[bus-send]] with a delta.tool_calls call of OpenCode's fleet-bus_send_message", async () => {
    const stream = await events(
      await post("/v1/chat/completions", {
        stream: true,
        tools: [
          { type: "function", function: { name: "bash" } },
          { type: "function", function: { name: "fleet-bus_get_messages" } },
          { type: "function", function: { name: "fleet-bus_send_message" } },
        ],
        messages: [{ role: "user", content: "[[bus-send peer hi from opencode]]" }],
      }),
    );
    const chunks = stream.slice(0, -1).map(
      (e) =>
        e.data as {
          choices: {
            delta: { tool_calls?: { function: { name: string; arguments: string } }[] };
            finish_reason: string | null;
          }[];
        },
    );
    const call = chunks.find((c) => c.choices[0]?.delta.tool_calls)?.choices[0]?.delta
      .tool_calls?.[0];
    assert.equal(call?.function.name, "fleet-bus_send_message");
    assert.deepEqual(JSON.parse(call?.function.arguments ?? "{}"), {
      to: "peer",
      body: "hi from opencode",
    });
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === "tool_calls"));
    assert.deepEqual(model.requests.at(-1)?.tools, [
      "bash",
      "fleet-bus_get_messages",
      "fleet-bus_send_message",
    ]);
  });
});

describe("fake model: other requests", () => {
  it("answers HEAD / with 200 and any other path with 200 {}, and logs them", async () => {
    const head = await fetch(`${model.url}/`, { method: "HEAD" });
    assert.equal(head.status, 200);
    const other = await fetch(`${model.url}/v1/models`);
    assert.equal(other.status, 200);
    assert.deepEqual(await other.json(), {});
    assert.deepEqual(
      model.requests.slice(-2).map((r) => [r.method, r.path, r.kind]),
      [
        ["HEAD", "/", "other"],
        ["GET", "/v1/models", "other"],
      ],
    );
  });
});

describe("the scripted replies", () => {
  const facts = (text: string, toolNames = ["Bash"]) => ({
    lastUserText: text,
    userTexts: [text],
    afterToolResult: false,
    hasTools: toolNames.length > 0,
    toolNames,
    system: "",
  });
  const options = { slowMs: 0, shellCall: anthropicShellCall };
  it("answers [[slowtool]] with the tool call made to take 3 s, and [[tool]] with the quick one", () => {
    assert.deepEqual(chooseReply(facts("go [[slowtool]]"), options), {
      kind: "tool",
      name: "Bash",
      input: { command: SLOW_TOOL_COMMAND, description: "Run the scripted command" },
    });
    assert.match(SLOW_TOOL_COMMAND, /^sleep 3 && touch fleet-tool-ran$/);
    assert.deepEqual(chooseReply(facts("go [[tool]]"), options), {
      kind: "tool",
      name: "Bash",
      input: { command: TOOL_COMMAND, description: "Run the scripted command" },
    });
  });

  it("answers [[bus-send TO BODY]] with the offered bus tool's call: to the first word, the rest the body", () => {
    const offered = ["Bash", "mcp__fleet-bus__get_messages", "mcp__fleet-bus__send_message"];
    assert.deepEqual(
      chooseReply(facts("please [[bus-send peer  hello from claude ]] thanks", offered), options),
      {
        kind: "tool",
        name: "mcp__fleet-bus__send_message",
        input: { to: "peer", body: "hello from claude" },
      },
    );
  });

  it("answers [[bus-send ...]] with a text naming the tools offered when the bus tool is not", () => {
    const reply = chooseReply(facts("[[bus-send peer hi]]", ["Bash", "Read"]), options);
    assert.equal(reply.kind, "text");
    assert.match(
      reply.kind === "text" ? reply.text : "",
      new RegExp(`^${BUS_TOOL_MISSING}: .*tools offered: Bash, Read$`),
    );
  });
});
