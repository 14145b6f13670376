/**
 * The plan outputs the docs show are what fleet prints for the change they
 * describe: a claude agent (a stand-in `claude` on PATH: the real CLI is tested
 * elsewhere) applied with `--model opus`, then planned with `--model sonnet`.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { docBlocks, type DocBlock } from "../../helpers/doc-blocks.ts";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

/** Draws Claude Code's prompt footer, then reads lines. */
const STAND_IN_CLAUDE = `#!/bin/sh
echo '? for shortcuts'
while IFS= read -r line; do echo "claude heard: $line"; done
`;

let sandbox: Sandbox;
let project: string;
let bin: string;
before(async () => {
  sandbox = await makeSandbox("doc-plans");
  project = await sandbox.gitRepo("project");
  bin = join(sandbox.dir, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "claude"), STAND_IN_CLAUDE);
  chmodSync(join(bin, "claude"), 0o755);
});
after(async () => {
  await sandbox.fleet(["destroy", "-f", join(project, "fleet.yaml"), "-y"], { cwd: project });
  await sandbox.cleanup();
});

const env = (): NodeJS.ProcessEnv => ({
  PATH: `${bin}:${process.env.PATH ?? ""}`,
  ANTHROPIC_API_KEY: "sk-doc-test-anthropic",
  OPENAI_API_KEY: "sk-doc-test-openai",
});

function fleetFile(agent: string, model: string, secrets: string[]): string {
  return [
    "version: 1",
    "name: payments",
    "templates:",
    "  backend:",
    "    agent: claude",
    `    args: [--model, ${model}]`,
    `    env: { PATH: ${JSON.stringify(env().PATH)} }`,
    `    secrets: [${secrets.join(", ")}]`,
    "agents:",
    `  ${agent}: { template: backend }`,
    "",
  ].join("\n");
}

async function applyThenPlan(
  agent: string,
  before: string[],
  after: string[],
  model: string,
): Promise<string> {
  const file = join(project, "fleet.yaml");
  writeFileSync(file, fleetFile(agent, "opus", before));
  const applied = await sandbox.fleet(["apply", "-f", file, "-y"], { cwd: project, env: env() });
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  writeFileSync(file, fleetFile(agent, model, after));
  const plan = await sandbox.fleet(["plan", "-f", file, "--no-color"], {
    cwd: project,
    env: env(),
  });
  assert.equal(plan.code, 0, plan.stderr);
  return plan.stdout;
}

/** The block's lines appear in the real output, in order and next to each other. */
function assertShownIn(block: DocBlock, real: string): void {
  const shown = block.body
    .split("\n")
    .filter((line) => !line.startsWith("$ "))
    .map((line) => line.trimEnd());
  const lines = real.split("\n").map((line) => line.trimEnd());
  const start = lines.indexOf(shown[0] ?? "");
  assert.ok(start >= 0, `${block.where}: "${shown[0]}" is not in the real plan:\n${real}`);
  assert.deepEqual(lines.slice(start, start + shown.length), shown, `${block.where} vs real plan`);
}

const planBlocks = (): DocBlock[] => docBlocks().filter((b) => blockKind(b) === "plan-text");

describe("plan output in the docs", () => {
  it("README.md's plan is what a changed --model prints", async () => {
    const block = planBlocks().find((b) => b.file === "README.md");
    assert.ok(block, "README.md shows a plan");
    const real = await applyThenPlan(
      "fix-flaky-tests",
      ["ANTHROPIC_API_KEY"],
      ["ANTHROPIC_API_KEY"],
      "sonnet",
    );
    assertShownIn(block, real);
  });

  it("docs/plan-format.md's plan is what a changed --model and secrets print", async () => {
    const block = planBlocks().find((b) => b.file === "docs/plan-format.md");
    assert.ok(block, "docs/plan-format.md shows a plan");
    await sandbox.fleet(["destroy", "-f", join(project, "fleet.yaml"), "-y"], { cwd: project });
    const real = await applyThenPlan(
      "web",
      ["ANTHROPIC_API_KEY"],
      ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
      "sonnet",
    );
    assertShownIn(block, real);
    assert.doesNotMatch(real, /sk-doc-test/, "no secret value in a plan");
  });

  it("docs/plan-format.md's JSON documents have the keys fleet prints", async () => {
    const file = join(project, "fleet.yaml");
    const planFile = join(project, "plan.json");
    const json = await sandbox.fleet(["plan", "-f", file, "--format", "json", "-o", planFile], {
      cwd: project,
      env: env(),
    });
    assert.equal(json.code, 0, json.stderr);
    const real = JSON.parse(json.stdout) as Record<string, unknown> & {
      changes: Record<string, unknown>[];
    };
    const [shownBlock, savedBlock] = docBlocks().filter(
      (b) => b.file === "docs/plan-format.md" && blockKind(b) === "json-shape",
    );
    assert.ok(shownBlock && savedBlock, "docs/plan-format.md shows the plan and a saved plan");
    const shown = JSON.parse(shownBlock.body) as Record<string, unknown> & {
      changes: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    const keys = (value: unknown) => Object.keys(value ?? {}).sort();
    assert.deepEqual(keys(shown), keys(real));
    assert.deepEqual(keys(shown.summary), keys(real.summary));
    const change = real.changes.find((c) => c.action === "replace");
    assert.ok(change, "the plan replaces the agent");
    assert.deepEqual(keys(shown.changes[0]), keys(change));
    const shownField = (shown.changes[0]?.fields as unknown[] | undefined)?.[0];
    assert.deepEqual(keys(shownField), keys((change.fields as unknown[])[0]));
    // The saved plan's envelope, as the one-line sketch shows it.
    const { readFileSync } = await import("node:fs");
    const saved = JSON.parse(readFileSync(planFile, "utf8")) as Record<string, unknown>;
    const sketchKeys = [...savedBlock.body.matchAll(/"(\w+)": /g)].map((m) => m[1]);
    assert.deepEqual(
      keys(saved),
      ["desired", "format_version", "kind", "plan"],
      "the saved plan's top-level keys",
    );
    for (const key of keys(saved)) assert.ok(sketchKeys.includes(key), `the sketch names ${key}`);
  });
});
