import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { renderPlanJson } from "../../../src/cli/render/plan-json.ts";
import { renderPlanMarkdown } from "../../../src/cli/render/plan-markdown.ts";
import { renderPlanText } from "../../../src/cli/render/plan-text.ts";
import { writePlanFile } from "../../../src/core/plan/plan-file.ts";
import { agent, desired, live, liveAgent, plan } from "./fixtures.ts";

const SECRET_NAME = "FLEET_PLAN_TEST_TOKEN";
const SECRET_VALUE = "s3cr3t-value-that-must-not-leak";

// Pure file I/O: a temp dir is all the isolation these tests need (no tmux, no FLEET_HOME).
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-test-plan-secrets-"));
  // As it would be when `fleet plan` runs with the secret in its environment.
  process.env.FLEET_PLAN_TEST_TOKEN = SECRET_VALUE;
});
after(async () => {
  delete process.env.FLEET_PLAN_TEST_TOKEN;
  await rm(dir, { recursive: true, force: true });
});

describe("secrets in plans", () => {
  const fleetFile = desired([
    agent("web", { secrets: [SECRET_NAME, "OTHER"] }),
    agent("new", { secrets: [SECRET_NAME] }),
  ]);
  const p = plan(fleetFile, live([liveAgent(agent("web", { secrets: ["OTHER"] }))]));

  test("are shown as (sensitive) in text and Markdown", () => {
    const text = renderPlanText(p, { color: false });
    assert.match(text, /~ secrets: \(sensitive\) -> \(sensitive\) # forces replacement/);
    assert.match(text, /\+ secrets: \(sensitive\)/);
    assert.doesNotMatch(text, new RegExp(SECRET_NAME));
    const md = renderPlanMarkdown(p);
    assert.match(md, /^\+ secrets: \(sensitive\) {2}# forces replacement$/m);
    assert.doesNotMatch(md, new RegExp(SECRET_NAME));
  });

  test("never carry a value in any output or the saved plan", async () => {
    const path = join(dir, "plan.json");
    await writePlanFile(path, p, fleetFile);
    const outputs = [
      renderPlanText(p, { color: true }),
      renderPlanMarkdown(p),
      renderPlanJson(p),
      await readFile(path, "utf8"),
    ];
    for (const output of outputs) assert.ok(!output.includes(SECRET_VALUE));
  });

  test("are flagged sensitive in JSON", () => {
    const doc = JSON.parse(renderPlanJson(p)) as {
      changes: { address: string; fields: { field: string; sensitive: boolean }[] }[];
    };
    const web = doc.changes.find((c) => c.address === "agents.web");
    assert.deepEqual(
      web?.fields.map((f) => [f.field, f.sensitive]),
      [["secrets", true]],
    );
  });
});
