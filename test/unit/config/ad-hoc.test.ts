import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { plainFlags, resolveAdHocAgent } from "../../../src/core/config/ad-hoc.ts";
import { fleetSchemas } from "../../../src/core/config/schema.ts";
import { problemsOf, rejection, repoRoot } from "./helpers.ts";

describe("resolveAdHocAgent (fleet create)", () => {
  test("applies a built-in template and passthrough args", async () => {
    const { spec, host } = await resolveAdHocAgent(
      { name: "helper", template: "claude", args: ["--model", "opus"], message: "hi" },
      { cwd: repoRoot },
    );
    assert.equal(spec.agent, "claude");
    assert.deepEqual(spec.args, ["--model", "opus"]);
    assert.equal(spec.message, "hi");
    assert.equal(spec.idleTimeout, 30 * 60_000);
    assert.deepEqual(host, { name: "local", provider: "local", config: {} });
  });

  test("uses the templates of a given fleet file", async () => {
    const { spec } = await resolveAdHocAgent(
      { name: "extra", template: "bash-loop", command: "cat" },
      { cwd: repoRoot, fleetFile: join(repoRoot, "stacks", "local", "fleet.yaml") },
    );
    assert.equal(spec.agent, "command");
    assert.equal(spec.command, "cat");
    assert.deepEqual(spec.env, { FLEET_EXAMPLE: "1" });
  });

  test("names the flag at fault, with a suggestion", async () => {
    const problems = problemsOf(
      await rejection(() =>
        resolveAdHocAgent({ name: "x", template: "cladue", host: "lokal" }, { cwd: repoRoot }),
      ),
    );
    assert.deepEqual(
      problems.map((problem) => `${problem.path}: ${problem.message}`),
      [
        '--template: unknown template "cladue" — did you mean "claude"?',
        '--host: unknown host "lokal" — did you mean "local"?',
      ],
    );
  });

  test("an invalid agent name is a usage error", async () => {
    const error = await rejection(() =>
      resolveAdHocAgent({ name: "no spaces" }, { cwd: repoRoot }),
    );
    assert.equal(error.code, "USAGE");
    assert.equal(error.exitCode, 2);
  });

  test("an empty flag is named, as the schema words it", async () => {
    for (const [flags, path] of [
      [{ command: "" }, "--command"],
      [{ agent: "" }, "--agent"],
      [{ template: "" }, "--template"],
    ] as const) {
      const problems = problemsOf(
        await rejection(() => resolveAdHocAgent({ name: "x", ...flags }, { cwd: repoRoot })),
      );
      assert.deepEqual(
        problems.map((problem) => `${problem.path}: ${problem.message}`),
        [`${path}: expected a non-empty string, got ""`],
      );
    }
  });
});

describe("plainFlags (create's path without the schema)", () => {
  const agentSchema = fleetSchemas().agent;
  const plain: Record<string, unknown>[] = [
    {},
    { command: "sleep 3600" },
    { agent: "command", command: "bash", args: ["-c", "x"] },
    { template: "claude", message: "", args: [] },
    { message: "do it", agent: "codex", host: "local", template: "codex" },
    { args: ["--model", "opus"], template: "claude", message: "hi" },
  ];
  // Each of these is either invalid or changed by the schema: it must go through it.
  const notPlain: Record<string, unknown>[] = [
    { command: "" },
    { agent: "" },
    { host: "" },
    { template: 5 },
    { args: [1, true] },
    { args: "x" },
    { message: 3 },
    { env: { A: "1" } },
    { unknown: "x" },
  ];

  test("takes the flags a plain create gives, exactly as the schema returns them", () => {
    for (const flags of plain) {
      const fast = plainFlags(flags);
      assert.notEqual(fast, undefined, JSON.stringify(flags));
      // Same fields, same values, in the same order (the order reaches the record).
      assert.equal(JSON.stringify(fast), JSON.stringify(agentSchema.parse(flags)));
    }
  });

  test("leaves to the schema anything it would reject or convert", () => {
    for (const flags of notPlain) assert.equal(plainFlags(flags), undefined, JSON.stringify(flags));
  });
});
