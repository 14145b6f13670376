import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { resolveAdHocAgent } from "../../../src/core/config/ad-hoc.ts";
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
});
