/**
 * `fleet mcp` over stdio, driven by the SDK's client: every agent tool on real
 * tmux `command` agents on this machine. The agent behaves as the hook-driven
 * CLIs do (as in test/integration/cli/wait.test.ts): it marks itself waiting for
 * input, takes a line, works a second, writes it to turns.txt, and waits again.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import {
  MANAGEMENT_TOOLS,
  callError,
  callOk,
  connectStdio,
  type FleetClient,
  listed,
  textOf,
} from "./mcp-client.ts";

const TURNS = [
  'mark="$FLEET_AGENT_DIR/waiting"; : > "$mark"',
  'while IFS= read -r line; do sleep 1; echo "$line" >> turns.txt; : > "$mark"; done',
].join("; ");

describe("fleet mcp: the agent tools", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  before(async () => {
    sb = await makeSandbox("mcp-agents");
    mcp = await connectStdio(sb);
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  test("tools/list names every management tool, each with an output schema", async () => {
    const { tools } = await mcp.client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, [...MANAGEMENT_TOOLS]);
    for (const tool of tools) assert.equal(tool.outputSchema?.type, "object", tool.name);
  });

  test("create_agent starts a command agent that list_agents and fleet ls then show", async () => {
    const created = await callOk<{ agent: { name: string; host: string; state: string } }>(
      mcp.client,
      "create_agent",
      { name: "worker", command: TURNS },
    );
    assert.deepEqual([created.agent.name, created.agent.host], ["worker", "local"]);
    assert.equal(created.agent.state, "RUNNING");
    const agents = await listed(mcp.client);
    assert.deepEqual(
      agents.map((a) => [a.name, a.fleet]),
      [["worker", null]],
    );
    // The same agent, as the CLI sees it: the tools act on fleet's real state.
    const cli = await sb.fleet(["ls", "--format", "json"]);
    assert.deepEqual(
      (JSON.parse(cli.stdout) as { agents: { name: string }[] }).agents.map((a) => a.name),
      ["worker"],
    );
  });

  test("wait_for_agent returns once the agent waits for input", async () => {
    const waited = await callOk<{ reached: string; agent: { state: string; waitingFor: string } }>(
      mcp.client,
      "wait_for_agent",
      { agent: "worker", timeoutSeconds: 20 },
    );
    assert.equal(waited.reached, "waiting");
    assert.deepEqual([waited.agent.state, waited.agent.waitingFor], ["WAITING", "input"]);
  });

  test("send_message types a line; after the turn, exec reads what the agent wrote", async () => {
    const sent = await callOk<{ agent: string; chars: number; started: boolean }>(
      mcp.client,
      "send_message",
      { agent: "worker", text: "hello from mcp" },
    );
    assert.deepEqual(sent, { agent: "worker", host: "local", chars: 14, started: false });
    await callOk(mcp.client, "wait_for_agent", { agent: "worker", timeoutSeconds: 20 });
    const ran = await callOk<{ exitCode: number; stdout: string; stderr: string }>(
      mcp.client,
      "exec",
      { agent: "worker", command: ["cat", "turns.txt"] },
    );
    assert.deepEqual([ran.exitCode, ran.stdout, ran.stderr], [0, "hello from mcp\n", ""]);
    const onDisk = await readFile(join(sb.home, "agents", "worker", "work", "turns.txt"), "utf8");
    assert.equal(onDisk, "hello from mcp\n");
  });

  test("exec passes a command's exit code and stderr through, and feeds it input", async () => {
    const failed = await callOk<{ exitCode: number; stderr: string }>(mcp.client, "exec", {
      agent: "worker",
      command: ["sh", "-c", "echo oops >&2; exit 7"],
    });
    assert.deepEqual([failed.exitCode, failed.stderr], [7, "oops\n"]);
    const fed = await callOk<{ stdout: string }>(mcp.client, "exec", {
      agent: "worker",
      command: ["tr", "a-z", "A-Z"],
      input: "shout",
    });
    assert.equal(fed.stdout, "SHOUT");
  });

  test("read_transcript shows the terminal: escaped in the text, as printed in the JSON", async () => {
    // A bidi override is text a message may hold; printed raw it would reorder what a reader sees.
    await callOk(mcp.client, "send_message", { agent: "worker", text: "mark\u202eevil" });
    await callOk(mcp.client, "wait_for_agent", { agent: "worker", timeoutSeconds: 20 });
    const result = (await mcp.client.callTool({
      name: "read_transcript",
      arguments: { agent: "worker" },
    })) as CallToolResult;
    const read = result.structuredContent as { source: string; transcript: string };
    assert.equal(read.source, "terminal");
    assert.match(read.transcript, /hello from mcp/);
    assert.ok(read.transcript.includes("mark\u202eevil"), read.transcript);
    assert.ok(textOf(result).includes("mark\\u202eevil"), textOf(result));
    assert.equal(textOf(result).includes("\u202e"), false);
    const tail = await callOk<{ transcript: string }>(mcp.client, "read_transcript", {
      agent: "worker",
      tail: 1,
    });
    assert.equal(tail.transcript.split("\n").filter((l) => l !== "").length, 1);
  });

  test("stop_agent stops it, start_agent starts it again", async () => {
    const stopped = await callOk<{ matched: number; changed: string[] }>(mcp.client, "stop_agent", {
      agents: ["worker"],
    });
    assert.deepEqual(stopped, { matched: 1, changed: ["worker"] });
    assert.equal((await listed(mcp.client))[0]?.state, "STOPPED");
    const again = await mcp.client.callTool({
      name: "stop_agent",
      arguments: { agents: ["worker"] },
    });
    assert.equal(textOf(again as CallToolResult), "Nothing to do: already stopped.");
    const started = await callOk(mcp.client, "start_agent", { agents: ["worker"] });
    assert.deepEqual(started, { matched: 1, changed: ["worker"] });
    assert.match((await listed(mcp.client))[0]?.state ?? "", /^(RUNNING|WAITING)$/);
  });

  test("an agent that does not exist is a tool error with fleet's code and hint", async () => {
    const { text, error } = await callError(mcp.client, "send_message", {
      agent: "nobody",
      text: "hi",
    });
    assert.equal(error.code, "AGENT_NOT_FOUND");
    assert.match(text, /^error \[AGENT_NOT_FOUND\]: no agent named "nobody"/);
    assert.ok(error.hint, "the error carries a hint");
    assert.match(text, /\nhint: /);
  });

  test("destroy_agent removes it; list_agents is empty", async () => {
    const destroyed = await callOk<{ destroyed: { agent: string }[] }>(
      mcp.client,
      "destroy_agent",
      { agents: ["worker"] },
    );
    assert.deepEqual(
      destroyed.destroyed.map((d) => d.agent),
      ["worker"],
    );
    assert.deepEqual(await listed(mcp.client), []);
    const tmux = await sb.tmux(["ls"]);
    assert.doesNotMatch(tmux.stdout, /worker/);
  });
});
