import assert from "node:assert/strict";
import { describe, test } from "node:test";
import claude from "../../../src/agents/claude.ts";
import codex from "../../../src/agents/codex.ts";
import opencode from "../../../src/agents/opencode.ts";
import type { AgentType } from "../../../src/core/contracts/agent-type.ts";
import type { AgentSpec } from "../../../src/core/model.ts";
import { agentTypeNames, getAgentType } from "../../../src/core/registry.ts";

const spec = (agent: string, args: string[]): AgentSpec => ({
  name: "a",
  host: "local",
  agent,
  args,
  env: {},
  secrets: [],
  services: [],
  labels: {},
  idleTimeout: null,
});

const context = { workdir: "/work dir", agentDir: "/agent dir" };

/**
 * The command line that starts the CLI: the last line, after the per-agent
 * preparation (tested in test/unit/agents/cli-prepare.test.ts); claude first
 * writes its hook settings (tested in test/unit/idle/claude-hooks.test.ts), codex
 * its hooks.json (trusted with --dangerously-bypass-hook-trust).
 */
const launch = (type: AgentType, args: string[]): string =>
  (type.launchCommand(spec(type.name, args), context).split("\n").at(-1) ?? "")
    .replace(/^claude --settings \S+/, "claude")
    .replace(/^codex --no-daemon --dangerously-bypass-hook-trust/, "codex")
    // Empty unless the agent has a conversation to resume (cli-prepare.test.ts).
    .replace(/ \$fleet_resume(?= |$)/, "");

const types: [AgentType, string][] = [
  [claude, "claude"],
  [codex, "codex"],
  [opencode, "opencode"],
];

describe("CLI agent types", () => {
  for (const [type, binary] of types) {
    test(`${type.name} launches \`${binary}\` with the args appended shell-quoted`, () => {
      assert.equal(launch(type, []), binary);
      assert.equal(
        launch(type, ["--model", "opus", "a prompt; rm -rf /"]),
        `${binary} --model opus 'a prompt; rm -rf /'`,
      );
    });

    test(`${type.name} pastes bracketed and submits with Enter`, () => {
      assert.deepEqual(type.delivery, { kind: "paste", bracketed: true, submitKeys: ["Enter"] });
      assert.equal(type.requiresCommand, false);
      assert.ok(type.readiness.pattern, "needs a readiness pattern");
      assert.ok(type.readiness.timeoutMs >= 10_000);
    });

    test(`${type.name} is not ready on a blank or loading screen`, () => {
      assert.equal(type.readiness.pattern?.test(""), false);
      assert.equal(type.readiness.pattern?.test("Loading...\n\n"), false);
      assert.equal(
        type.readiness.pattern?.test("bash: " + binary + ": command not found\n"),
        false,
      );
    });
  }

  test("claude is ready when its input box shows", () => {
    const screen = [
      "╭───────────────────────────────────────────╮",
      "│ ✻ Welcome to Claude Code!                 │",
      "╰───────────────────────────────────────────╯",
      "",
      "╭───────────────────────────────────────────╮",
      "│ >                                         │",
      "╰───────────────────────────────────────────╯",
      "  ? for shortcuts",
    ].join("\n");
    assert.ok(claude.readiness.pattern?.test(screen));
    const newer = [
      "────────────────────────",
      '> Try "fix lint errors"',
      "────────────────────────",
    ].join("\n");
    assert.ok(claude.readiness.pattern?.test(newer));
  });

  test("claude is waiting when it asks to approve an action", () => {
    const screen = [
      "Edit file src/a.ts",
      "Do you want to make this edit to a.ts?",
      "❯ 1. Yes",
      "  2. No",
    ].join("\n");
    assert.ok(claude.waitingPattern?.test(screen));
    assert.equal(claude.waitingPattern?.test("✻ Thinking… (esc to interrupt)"), false);
  });

  test("codex is ready when its composer shows", () => {
    const screen = [
      "To get started, describe a task or try one of these commands:",
      "",
      "▌ Find and fix a bug in @filename",
      "",
      "⏎ send   ⇧⏎ newline   ⌃T transcript   ⌃C quit",
    ].join("\n");
    assert.ok(codex.readiness.pattern?.test(screen));
  });

  test("codex is waiting when it asks to run a command", () => {
    assert.ok(
      codex.waitingPattern?.test(
        "Would you like to run the following command?\n$ npm test\n▌ Yes, proceed",
      ),
    );
    assert.equal(codex.waitingPattern?.test("Working (12s • esc to interrupt)"), false);
  });

  test("opencode is ready when its prompt footer shows", () => {
    assert.ok(opencode.readiness.pattern?.test("┃ >\n  enter send   ctrl+p commands"));
  });

  test("opencode is waiting when it asks for a permission", () => {
    assert.ok(
      opencode.waitingPattern?.test(
        "Permission required: bash `rm -rf build`\n allow once  allow always  reject",
      ),
    );
  });

  test("every registered agent type loads by its name and speaks contract version 1", async () => {
    for (const name of agentTypeNames()) {
      const type = await getAgentType(name);
      assert.equal(type.name, name);
      assert.equal(type.contractVersion, 1);
      assert.ok(type.description.length > 0);
    }
  });
});
