/**
 * The MCP Inspector's CLI (`mcp-inspector --cli`, a dev dependency), a client we
 * did not write, against `fleet mcp` over stdio: it lists fleet's tools and calls
 * list_agents. The inspector gives the server only its own few variables and
 * those passed with -e, so the sandbox's are passed that way.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";
import { MANAGEMENT_TOOLS } from "./mcp-client.ts";

const inspector = join(repoRoot, "node_modules", ".bin", "mcp-inspector");
const skip = existsSync(inspector)
  ? false
  : "mcp-inspector is not installed (npm ci installs @modelcontextprotocol/inspector)";

describe("fleet mcp under the MCP Inspector's CLI", () => {
  let sb: Sandbox;
  let run: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  before(async () => {
    sb = await makeSandbox("mcp-inspector");
    const sandboxEnv = ["FLEET_HOME", "TMUX_TMPDIR", "FLEET_PREFIX"].flatMap((key) => [
      "-e",
      `${key}=${sb.env[key] ?? ""}`,
    ]);
    run = async (args) => {
      const { spawn } = await import("node:child_process");
      return new Promise((resolve, reject) => {
        const child = spawn(
          inspector,
          ["--cli", ...sandboxEnv, process.execPath, fleetBin, "mcp", ...args],
          // Its catalog file, should it write one, stays in the sandbox.
          { cwd: sb.dir, env: { ...sb.env, MCP_CATALOG_PATH: join(sb.dir, "mcp.json") } },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? 124, stdout, stderr });
        });
      });
    };
  });
  after(() => sb?.cleanup());

  test("tools/list names every management tool", { skip }, async () => {
    const result = await run(["--method", "tools/list"]);
    assert.equal(result.code, 0, result.stderr);
    const { tools } = JSON.parse(result.stdout) as { tools: { name: string }[] };
    assert.deepEqual(tools.map((t) => t.name).sort(), [...MANAGEMENT_TOOLS]);
  });

  test("tools/call list_agents lists the sandbox's agent", { skip }, async () => {
    const created = await sb.fleet(["create", "seen", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    const result = await run(["--method", "tools/call", "--tool-name", "list_agents"]);
    assert.equal(result.code, 0, result.stderr);
    const called = JSON.parse(result.stdout) as {
      isError?: boolean;
      structuredContent: { agents: { name: string; state: string }[] };
    };
    assert.notEqual(called.isError, true);
    assert.deepEqual(
      called.structuredContent.agents.map((a) => [a.name, a.state]),
      [["seen", "RUNNING"]],
    );
  });
});
