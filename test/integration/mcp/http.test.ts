/**
 * `fleet mcp --http`: Streamable HTTP on 127.0.0.1 behind a bearer token kept
 * 0600 in FLEET_HOME/mcp/http-token and never printed. Requests without the
 * token, with a wrong one, from another Origin or to another Host name are
 * refused before they reach MCP; with it, the SDK's HTTP client works.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { fleetBin, makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";
import { callOk, MANAGEMENT_TOOLS } from "./mcp-client.ts";

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  },
});

/** One raw POST to the server, with exactly these headers. */
function post(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/mcp",
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(INITIALIZE);
  });
}

/** Whether /proc/net/tcp shows a listener on this port bound to 127.0.0.1 alone. */
async function listensOnLoopbackOnly(port: number): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const rows = (await readFile("/proc/net/tcp", "utf8")).split("\n").slice(1);
  const listening = rows
    .map((row) => row.trim().split(/\s+/))
    .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A");
  return listening.length > 0 && listening.every((cols) => cols[1] === `0100007F:${hexPort}`);
}

describe("fleet mcp --http", () => {
  let sb: Sandbox;
  let server: ChildProcess;
  let stdout = "";
  let stderr = "";
  let port = 0;
  let token = "";

  before(async () => {
    sb = await makeSandbox("mcp-http");
    server = spawn(process.execPath, [fleetBin, "mcp", "--http", "--port", "0"], {
      cwd: sb.dir,
      env: sb.env,
    });
    server.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    port = await waitFor(() => {
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr)?.[1];
      return Promise.resolve(found === undefined ? undefined : Number(found));
    }, 20_000);
    token = (await readFile(join(sb.home, "mcp", "http-token"), "utf8")).trim();
  });
  after(async () => {
    if (server.exitCode === null) server.kill("SIGKILL");
    await sb.cleanup();
  });

  test("--port 0 picks a free port, on 127.0.0.1 only, and says where the token is", async () => {
    assert.ok(port > 0);
    assert.equal(await listensOnLoopbackOnly(port), true);
    assert.ok(stderr.includes(join(sb.home, "mcp", "http-token")), stderr);
  });

  test("the token file is 0600 in a 0700 dir, and the token is printed nowhere", async () => {
    assert.ok(token.length >= 40, "a long random token");
    assert.equal((await stat(join(sb.home, "mcp", "http-token"))).mode & 0o777, 0o600);
    assert.equal((await stat(join(sb.home, "mcp"))).mode & 0o777, 0o700);
    assert.equal(stdout, "");
    assert.equal(stderr.includes(token), false);
  });

  test("without a token, or with a wrong one, a request is refused with 401", async () => {
    const host = `127.0.0.1:${port}`;
    assert.equal(await post(port, { host }), 401);
    assert.equal(await post(port, { host, authorization: `Bearer ${token}x` }), 401);
    assert.equal(await post(port, { host, authorization: `Basic ${token}` }), 401);
  });

  test("another Origin or Host name is refused with 403, even with the token", async () => {
    const authorization = `Bearer ${token}`;
    const host = `127.0.0.1:${port}`;
    assert.equal(await post(port, { host, authorization, origin: "http://evil.example" }), 403);
    assert.equal(
      await post(port, { host, authorization, origin: `http://127.0.0.1:${port + 1}` }),
      403,
    );
    // A DNS-rebound name reaches 127.0.0.1 with its own Host header.
    assert.equal(await post(port, { host: `evil.example:${port}`, authorization }), 403);
    // The server's own names pass the checks (and then need the token).
    assert.equal(await post(port, { host: `localhost:${port}` }), 401);
    assert.equal(await post(port, { host, origin: `http://localhost:${port}` }), 401);
  });

  test("with the token, the SDK's HTTP client lists the tools and calls them", async () => {
    const created = await sb.fleet(["create", "web", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    const client = new Client({ name: "fleet-http-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...MANAGEMENT_TOOLS]);
      const listed = await callOk<{ agents: { name: string; state: string }[] }>(
        client,
        "list_agents",
      );
      assert.deepEqual(
        listed.agents.map((a) => [a.name, a.state]),
        [["web", "RUNNING"]],
      );
      await callOk(client, "stop_agent", { agents: ["web"] });
      const after = await callOk<{ agents: { state: string }[] }>(client, "list_agents");
      assert.equal(after.agents[0]?.state, "STOPPED");
    } finally {
      await client.close();
    }
  });

  test("the token outlives the server: a restart reads the same one", async () => {
    server.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => {
      if (server.exitCode !== null) resolve(server.exitCode);
      else server.on("exit", (exitCode) => resolve(exitCode));
    });
    assert.equal(code, 0, stderr);
    const again = spawn(process.execPath, [fleetBin, "mcp", "--http", "--port", "0"], {
      cwd: sb.dir,
      env: sb.env,
    });
    let errors = "";
    again.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    try {
      await waitFor(() => Promise.resolve(/listening on/.test(errors)), 20_000);
      const now = (await readFile(join(sb.home, "mcp", "http-token"), "utf8")).trim();
      assert.equal(now, token);
    } finally {
      again.kill("SIGTERM");
      await new Promise((resolve) => again.on("exit", resolve));
    }
    assert.equal(stdout, "");
    assert.equal(stderr.includes(token) || errors.includes(token), false);
  });
});
