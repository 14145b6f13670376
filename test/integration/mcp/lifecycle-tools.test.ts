/**
 * `fleet mcp`'s clone_agent, rename_agent, migrate_agent and capture_screen on real
 * tmux `command` agents: each does what its CLI command does, in its JSON shape,
 * and refuses bad input with fleet's error code and nothing changed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { callError, callOk, connectStdio, type FleetClient, listed } from "./mcp-client.ts";

interface Screen {
  agent: string;
  host: string;
  cols: number;
  rows: number;
  dead: boolean;
  lines: string[];
}

describe("fleet mcp: clone, rename, migrate and capture", () => {
  let sb: Sandbox;
  let mcp: FleetClient;
  before(async () => {
    sb = await makeSandbox("mcp-lifecycle");
    mcp = await connectStdio(sb);
    // An escape sequence on screen: capture_screen must not pass it on raw.
    await callOk(mcp.client, "create_agent", {
      name: "painter",
      command: "printf 'ready to paint\\033]0;title\\007\\n'; sleep 3600",
    });
  });
  after(async () => {
    await mcp?.close();
    await sb.cleanup();
  });

  test("capture_screen shows the agent's screen, its size, and nothing raw", async () => {
    const screen = await waitFor(async () => {
      const shot = await callOk<Screen>(mcp.client, "capture_screen", { agent: "painter" });
      return shot.lines.some((l) => l.includes("ready to paint")) && shot;
    }, 10_000);
    assert.deepEqual([screen.agent, screen.host, screen.dead], ["painter", "local", false]);
    assert.ok(screen.cols > 0 && screen.rows === screen.lines.length, JSON.stringify(screen));
    const raw = (line: string) =>
      Array.from({ length: line.length }, (_, at) => line.charCodeAt(at)).some(
        (code) => (code < 32 && code !== 9) || code === 127,
      );
    for (const line of screen.lines) assert.ok(!raw(line), JSON.stringify(line));
    const unknown = await callError(mcp.client, "capture_screen", { agent: "nobody" });
    assert.equal(unknown.error.code, "AGENT_NOT_FOUND");
  });

  test("clone_agent makes a running copy; a command agent's conversation is refused", async () => {
    const refused = await callError(mcp.client, "clone_agent", {
      source: "painter",
      name: "easel",
      conversation: true,
    });
    assert.equal(refused.error.code, "CONVERSATION_UNSUPPORTED");
    assert.deepEqual(
      (await listed(mcp.client)).map((a) => a.name),
      ["painter"],
    );
    const { cloned } = await callOk<{
      cloned: {
        name: string;
        host: string;
        state: string;
        source: { name: string };
        conversation: null;
      };
    }>(mcp.client, "clone_agent", { source: "painter", name: "easel" });
    assert.deepEqual(
      [cloned.name, cloned.host, cloned.state, cloned.source.name, cloned.conversation],
      ["easel", "local", "RUNNING", "painter", null],
    );
    const taken = await callError(mcp.client, "clone_agent", { source: "painter", name: "easel" });
    assert.equal(taken.error.code, "AGENT_EXISTS");
  });

  test("rename_agent gives the copy a new name, running again under it", async () => {
    const { renamed } = await callOk<{ renamed: { from: string; to: string; state: string } }>(
      mcp.client,
      "rename_agent",
      { agent: "easel", name: "canvas" },
    );
    assert.deepEqual([renamed.from, renamed.to, renamed.state], ["easel", "canvas", "RUNNING"]);
    const agents = await listed(mcp.client);
    assert.deepEqual(
      agents.map((a) => [a.name, a.state]),
      [
        ["canvas", "RUNNING"],
        ["painter", "RUNNING"],
      ],
    );
    const sessions = await sb.tmux(["list-sessions", "-F", "#{session_name}"]);
    assert.match(sessions.stdout, new RegExp(`^${sb.prefix}canvas$`, "m"));
    assert.doesNotMatch(sessions.stdout, new RegExp(`^${sb.prefix}easel$`, "m"));
  });

  test("migrate_agent to the host the agent is on is refused, with nothing changed", async () => {
    const same = await callError(mcp.client, "migrate_agent", { agent: "canvas", to: "local" });
    assert.match(same.text, /already runs on host local/);
    const nowhere = await callError(mcp.client, "migrate_agent", { agent: "canvas", to: "mars" });
    assert.equal(nowhere.error.code, "HOST_NOT_FOUND");
    assert.equal((await listed(mcp.client)).find((a) => a.name === "canvas")?.state, "RUNNING");
  });
});
