/**
 * OpenCode's turn state, as a message's delivery reads it before typing: the
 * shell line fleet runs on the host, run here with the real `sqlite3` against a
 * database with OpenCode 1.18's `message` table. A message must wait while the
 * newest answer is unfinished or only just finished (OpenCode's loop still looks
 * for new prompts then), and while the database cannot be read.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  OPENCODE_SETTLED_MS,
  opencodeTurnState,
} from "../../../src/agents/records/opencode-records.ts";
import type { AgentSpec } from "../../../src/core/model.ts";

const hasSqlite = spawnSync("sqlite3", ["-version"]).status === 0;
if (!hasSqlite) console.log("# skipped: sqlite3 is not installed on this machine");

const spec = {
  name: "a",
  host: "local",
  agent: "opencode",
  args: [],
  env: {},
} as unknown as AgentSpec;
const dir = mkdtempSync(join(tmpdir(), "fleet-oc-turn-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let rows = 0;
function database(messages: { role: string; created: number; completed?: number }[]): string {
  const agentDir = join(dir, `agent-${++rows}`);
  execFileSync("mkdir", ["-p", agentDir]);
  const values = messages
    .map((m, i) => {
      const data = JSON.stringify({
        role: m.role,
        time: {
          created: m.created,
          ...(m.completed === undefined ? {} : { completed: m.completed }),
        },
      });
      return `('msg_${String(i).padStart(4, "0")}', 'ses_1', ${m.created}, '${data}')`;
    })
    .join(", ");
  const sql = [
    "CREATE TABLE session (id TEXT PRIMARY KEY, parent_id TEXT);",
    "CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER, data TEXT);",
    "PRAGMA journal_mode=WAL;",
    values === "" ? "" : `INSERT INTO message VALUES ${values};`,
  ].join("\n");
  execFileSync("sqlite3", [join(agentDir, "opencode.db")], {
    input: sql,
    stdio: ["pipe", "ignore", "inherit"],
  });
  return agentDir;
}

const stateIn = (agentDir: string): string =>
  execFileSync("sh", ["-c", opencodeTurnState(spec)], {
    env: { ...process.env, FLEET_AGENT_DIR: agentDir },
    encoding: "utf8",
  }).trim();

describe("opencode's turn state before a message is typed", { skip: !hasSqlite }, () => {
  const now = Date.now();
  test("an answer finished a while ago is idle", () => {
    const agent = database([
      { role: "user", created: now - 9000 },
      { role: "assistant", created: now - 8900, completed: now - 3 * OPENCODE_SETTLED_MS },
    ]);
    assert.equal(stateIn(agent), "idle");
  });

  test("an answer finished just now is still busy: OpenCode's loop may yet take a prompt into it", () => {
    const agent = database([
      { role: "user", created: now - 900 },
      { role: "assistant", created: now - 800, completed: Date.now() },
    ]);
    assert.equal(stateIn(agent), "busy");
  });

  test("an answer being written, or a prompt not yet answered, is busy", () => {
    const writing = database([
      { role: "user", created: now - 900 },
      { role: "assistant", created: now - 800 },
    ]);
    assert.equal(stateIn(writing), "busy");
    const asked = database([
      { role: "assistant", created: now - 9000, completed: now - 8000 },
      { role: "user", created: now - 100 },
    ]);
    assert.equal(stateIn(asked), "busy");
  });

  test("a database with no messages yet is idle, and no database at all says nothing", () => {
    assert.equal(stateIn(database([])), "idle");
    const none = join(dir, "no-database");
    execFileSync("mkdir", ["-p", none]);
    assert.equal(stateIn(none), "");
  });

  test("a database that cannot be read is busy, not idle", () => {
    const agent = join(dir, "damaged");
    execFileSync("mkdir", ["-p", agent]);
    writeFileSync(join(agent, "opencode.db"), "this is not a database\n".repeat(200));
    assert.equal(stateIn(agent), "busy");
  });
});
