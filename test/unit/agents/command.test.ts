import assert from "node:assert/strict";
import { describe, test } from "node:test";
import command from "../../../src/agents/command.ts";
import type { AgentSpec } from "../../../src/core/model.ts";

const spec = (overrides: Partial<AgentSpec>): AgentSpec => ({
  name: "a",
  host: "local",
  agent: "command",
  args: [],
  env: {},
  secrets: [],
  services: [],
  labels: {},
  idleTimeout: null,
  ...overrides,
});

const context = { workdir: "/w", agentDir: "/a" };

describe("agent type command", () => {
  test("launches the command line as written", () => {
    assert.equal(
      command.launchCommand(spec({ command: "tail -F app.log | grep ERROR" }), context),
      "tail -F app.log | grep ERROR",
    );
  });

  test("appends args shell-quoted", () => {
    const line = command.launchCommand(
      spec({ command: "printf '%s\\n'", args: ["two words", "it's", "$HOME"] }),
      context,
    );
    assert.equal(line, `printf '%s\\n' 'two words' 'it'"'"'s' '$HOME'`);
  });

  test("without a command it fails with COMMAND_REQUIRED", () => {
    assert.throws(() => command.launchCommand(spec({}), context), { code: "COMMAND_REQUIRED" });
    assert.throws(() => command.launchCommand(spec({ command: "  " }), context), {
      code: "COMMAND_REQUIRED",
    });
    assert.equal(command.requiresCommand, true);
  });

  test("is ready as soon as it runs and takes messages as typed lines", () => {
    assert.equal(command.readiness.pattern, undefined);
    assert.deepEqual(command.delivery, { kind: "paste", bracketed: false, submitKeys: ["Enter"] });
    assert.deepEqual(command.transcript, { kind: "terminal" });
  });
});
