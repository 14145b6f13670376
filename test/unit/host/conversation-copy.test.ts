/** Which conversation files fleet copies between agents, and where each type keeps them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isConversationPath } from "../../../src/core/host/conversation-copy.ts";
import { getAgentType } from "../../../src/core/registry.ts";
import type { AgentSpec } from "../../../src/core/model.ts";

const spec = (agent: string, env: Record<string, string> = {}): AgentSpec =>
  ({
    name: "a",
    agent,
    host: "local",
    args: [],
    env,
    secrets: [],
    labels: {},
  }) as unknown as AgentSpec;

test("only plain relative *.jsonl paths, at most 4 deep, are copied", () => {
  for (const good of ["0b7c.jsonl", "2026/12/02/rollout-2026-12-02T10-00-00-x.jsonl"]) {
    assert.ok(isConversationPath(good), good);
  }
  for (const bad of [
    "../x.jsonl",
    "/etc/x.jsonl",
    "a/../b.jsonl",
    ".hidden.jsonl",
    "a//b.jsonl",
    "notes.txt",
    "a b.jsonl",
    "x.jsonl\nother.jsonl",
    "1/2/3/4/5.jsonl",
    "",
  ]) {
    assert.ok(!isConversationPath(bad), JSON.stringify(bad));
  }
});

test("claude keeps a work dir's conversations under its config dir, by the path", async () => {
  const claude = await getAgentType("claude");
  assert.equal(
    claude.conversationDir?.(spec("claude"), "/root/.fleet/agents/a/work"),
    "claude/projects/-root--fleet-agents-a-work",
  );
  assert.equal(
    claude.conversationDir?.(spec("claude", { CLAUDE_CONFIG_DIR: "/x" }), "/w"),
    undefined,
  );
  assert.equal(claude.conversationDir?.(spec("claude"), `/${"d".repeat(250)}`), undefined);
});

test("codex keeps them by date in its own CODEX_HOME; opencode and command cannot copy", async () => {
  const codex = await getAgentType("codex");
  assert.equal(codex.conversationDir?.(spec("codex"), "/w"), "codex/sessions");
  assert.equal(codex.conversationDir?.(spec("codex", { CODEX_HOME: "/shared" }), "/w"), undefined);
  assert.equal((await getAgentType("opencode")).conversationDir, undefined);
  assert.equal((await getAgentType("command")).conversationDir, undefined);
});
