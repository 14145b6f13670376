/**
 * docs/mcp.md's client setups work as written: each config (Claude Code's
 * `claude mcp add` and `.mcp.json`, Codex's config.toml, Claude Desktop's JSON)
 * names a command that, started as the client would start it (`fleet` being this
 * checkout's bin/fleet.js), serves fleet's tools; the HTTP line's URL and header
 * reach `fleet mcp --http`; the Inspector lines print the tools.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { docBlocks, type DocBlock } from "../../helpers/doc-blocks.ts";
import { fleetBin, makeSandbox, repoRoot, type Sandbox, waitFor } from "../../helpers/sandbox.ts";
import { stringEnv } from "../mcp/mcp-client.ts";
import { blockKind } from "./doc-kinds.ts";
import { DEFAULT_MCP_PORT } from "../../../src/cli/commands/mcp.ts";

const blocks = docBlocks().filter((block) => blockKind(block) === "mcp-client");

interface StdioSetup {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The `fleet` server of a JSON config (`mcpServers.fleet`). */
function fromJson(block: DocBlock): StdioSetup {
  const config = JSON.parse(block.body) as {
    mcpServers: Record<string, { command: string; args?: string[]; env?: Record<string, string> }>;
  };
  const server = config.mcpServers.fleet;
  assert.ok(server, `${block.where}: no mcpServers.fleet`);
  return { command: server.command, args: server.args ?? [], env: server.env ?? {} };
}

/** The `[mcp_servers.fleet]` table of a TOML config: its strings and arrays are JSON's. */
function fromToml(block: DocBlock): StdioSetup {
  assert.match(block.body, /^\[mcp_servers\.fleet\]$/m, block.where);
  const value = (key: string): unknown => {
    const raw = new RegExp(`^${key} = (.+)$`, "m").exec(block.body)?.[1];
    return raw === undefined ? undefined : JSON.parse(raw);
  };
  return { command: String(value("command")), args: (value("args") as string[]) ?? [], env: {} };
}

async function toolNames(transport: Transport): Promise<string[]> {
  const client = new Client({ name: "doc-mcp-clients", version: "1.0.0" });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

describe("docs/mcp.md's client setups", () => {
  let sb: Sandbox;
  let http: ChildProcess | undefined;
  before(async () => {
    sb = await makeSandbox("doc-mcp");
  });
  after(async () => {
    http?.kill("SIGTERM");
    await sb.cleanup();
  });

  test("there are the setups the page promises", () => {
    const langs = blocks.map((b) => b.lang).sort();
    assert.deepEqual(langs, ["json", "json", "sh", "sh", "sh", "toml"]);
  });

  // The client runs `fleet` (checked to be what the config names); here that is this
  // checkout's bin/fleet.js on this Node.
  const stdio = (setup: StdioSetup): Transport =>
    new StdioClientTransport({
      command: process.execPath,
      args: [fleetBin, ...setup.args],
      env: { ...stringEnv(sb.env), ...setup.env },
      cwd: sb.dir,
      stderr: "ignore",
    });

  test("each config's command serves fleet's tools", async () => {
    const setups: { where: string; setup: StdioSetup }[] = [];
    for (const block of blocks) {
      if (block.lang === "json") setups.push({ where: block.where, setup: fromJson(block) });
      if (block.lang === "toml") setups.push({ where: block.where, setup: fromToml(block) });
      for (const line of block.body.split("\n")) {
        const match = /^claude mcp add (?:--scope \S+ )?fleet -- (\S+)(.*)$/.exec(line);
        if (!match) continue;
        const args = (match[2] ?? "").trim().split(/\s+/).filter(Boolean);
        setups.push({ where: block.where, setup: { command: match[1] ?? "", args, env: {} } });
      }
    }
    assert.equal(setups.length, 4, "claude mcp add, .mcp.json, config.toml, Claude Desktop");
    for (const { where, setup } of setups) {
      assert.equal(basename(setup.command), "fleet", `${where}: runs fleet`);
      assert.deepEqual(setup.args, ["mcp"], `${where}: runs fleet mcp`);
      const names = await toolNames(stdio(setup));
      assert.ok(
        names.includes("list_agents") && names.includes("apply"),
        `${where}: ${names.join(", ")}`,
      );
    }
  });

  test("the HTTP line's URL and header reach fleet mcp --http", async () => {
    const line = blocks
      .flatMap((b) => b.body.split("\n"))
      .find((l) => l.startsWith("claude mcp add --transport http"));
    assert.ok(line, "an HTTP setup is shown");
    const match =
      /--transport http fleet (http:\/\/127\.0\.0\.1:(\d+)\/mcp) --header "Authorization: Bearer \$\(cat ~\/\.fleet\/(\S+)\)"$/.exec(
        line,
      );
    assert.ok(match, line);
    assert.equal(Number(match[2]), DEFAULT_MCP_PORT, "the default port");
    // The default port may be taken on a shared machine: the same URL on a free one.
    http = spawn(process.execPath, [fleetBin, "mcp", "--http", "--port", "0"], { env: sb.env });
    let stderr = "";
    http.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await waitFor(
      () => Promise.resolve(/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr)?.[1]),
      20_000,
    );
    const { stdout: token } = await promisify(execFile)("cat", [join(sb.home, match[3] ?? "")]);
    const url = (match[1] ?? "").replace(`:${DEFAULT_MCP_PORT}/`, `:${port}/`);
    const names = await toolNames(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token.trim()}` } },
      }),
    );
    assert.ok(names.includes("list_agents"), names.join(", "));
  });

  test("the Inspector lines print the tools and call list_agents", async () => {
    const inspector = join(repoRoot, "node_modules", ".bin", "mcp-inspector");
    const lines = blocks
      .flatMap((b) => b.body.split("\n"))
      .filter((l) => l.startsWith("npx @modelcontextprotocol/inspector --cli fleet mcp "));
    assert.equal(lines.length, 2);
    const env = ["FLEET_HOME", "TMUX_TMPDIR", "FLEET_PREFIX"].flatMap((key) => [
      "-e",
      `${key}=${sb.env[key] ?? ""}`,
    ]);
    for (const line of lines) {
      const rest = line.replace("npx @modelcontextprotocol/inspector --cli fleet mcp ", "");
      const { stdout } = await promisify(execFile)(
        inspector,
        ["--cli", ...env, process.execPath, fleetBin, "mcp", ...rest.split(/\s+/)],
        { cwd: sb.dir, env: { ...sb.env, MCP_CATALOG_PATH: join(sb.dir, "mcp.json") } },
      );
      const shown = JSON.parse(stdout) as { tools?: unknown[]; structuredContent?: unknown };
      assert.ok(shown.tools ?? shown.structuredContent, `${line}: ${stdout}`);
    }
  });
});
