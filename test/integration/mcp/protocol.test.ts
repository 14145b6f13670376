/**
 * What a client can count on from `fleet mcp` whatever it sends: a bad argument,
 * an unknown tool or a refused message is a tool error carrying fleet's code, the
 * server keeps answering, and stdout carries the MCP protocol and nothing else,
 * even when a fleet.ts it loads prints.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { callError, callOk, connectStdio, type FleetClient } from "./mcp-client.ts";

describe("fleet mcp: bad input", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  before(async () => {
    sb = await makeSandbox("mcp-protocol");
    mcp = await connectStdio(sb);
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  test("an argument of the wrong kind is a USAGE tool error naming it", async () => {
    const { text, error } = await callError(mcp.client, "list_agents", { state: "sleeping" });
    assert.equal(error.code, "USAGE");
    assert.match(error.message, /^invalid arguments for list_agents: state: /);
    assert.match(text, /^error \[USAGE\]: invalid arguments for list_agents/);
  });

  test("a missing argument and an unknown one are USAGE tool errors", async () => {
    assert.match((await callError(mcp.client, "create_agent", {})).error.message, /name: /);
    const extra = await callError(mcp.client, "list_agents", { colour: "red" });
    assert.equal(extra.error.code, "USAGE");
    assert.match(extra.error.message, /colour/);
  });

  test("an unknown tool is a tool error listing fleet's tools", async () => {
    const { error } = await callError(mcp.client, "rm_rf", {});
    assert.equal(error.code, "USAGE");
    assert.match(error.hint ?? "", /list_agents/);
  });

  test("a message with control characters is refused before anything is looked up", async () => {
    const { error } = await callError(mcp.client, "send_message", {
      agent: "nobody",
      text: "run this\u001b[201~",
    });
    assert.notEqual(error.code, "AGENT_NOT_FOUND");
    assert.match(error.message, /ESC/);
    const both = await callError(mcp.client, "send_message", {
      agent: "nobody",
      text: "a",
      keys: ["Enter"],
    });
    assert.equal(both.error.code, "USAGE");
  });

  test("after all that the server still answers", async () => {
    const listed = await callOk<{ agents: unknown[] }>(mcp.client, "list_agents");
    assert.deepEqual(listed.agents, []);
    assert.equal(mcp.client.getServerVersion()?.name, "fleet");
  });
});

describe("fleet mcp: stdout is the protocol's", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("mcp-stdout");
  });
  after(() => sb.cleanup());

  test("every stdout line is a JSON-RPC message, though a fleet.ts prints and a call fails", async () => {
    await writeFile(
      join(sb.dir, "fleet.ts"),
      `console.log("log line"); process.stdout.write("raw write\\n");
import { defineFleet } from "fleet";
export default defineFleet({ version: 1, name: "chatty", agents: { a: { command: "sleep 60" } } });
`,
    );
    const child = spawn(process.execPath, [fleetBin, "mcp"], { cwd: sb.dir, env: sb.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const send = (message: object): void => {
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
    };
    send({
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    });
    send({ method: "notifications/initialized" });
    send({
      id: 2,
      method: "tools/call",
      params: { name: "plan", arguments: { file: "fleet.ts" } },
    });
    send({ id: 3, method: "tools/call", params: { name: "exec", arguments: { agent: 5 } } });
    send({ id: 4, method: "no/such/method", params: {} });
    const deadline = Date.now() + 30_000;
    while (!/"id":4/.test(stdout) || !/"id":2/.test(stdout) || !/"id":3/.test(stdout)) {
      assert.ok(Date.now() < deadline, `no answers in time; stdout: ${stdout}\nstderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, stderr);
    const lines = stdout.split("\n").filter((line) => line !== "");
    const messages = lines.map((line) => JSON.parse(line) as { jsonrpc: string; id?: number });
    for (const message of messages) assert.equal(message.jsonrpc, "2.0");
    const byId = new Map(messages.map((m) => [m.id, m as Record<string, unknown>]));
    const plan = byId.get(2)?.result as { structuredContent: { plan: { fleet: string } } };
    assert.equal(plan.structuredContent.plan.fleet, "chatty");
    assert.equal((byId.get(3)?.result as { isError: boolean }).isError, true);
    assert.ok(byId.get(4)?.error, "an unknown method is a JSON-RPC error");
    // What the fleet.ts printed went to stderr.
    assert.match(stderr, /log line/);
    assert.match(stderr, /raw write/);
  });
});
