import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderPlanJson } from "../../../src/cli/render/plan-json.ts";
import { renderPlanText } from "../../../src/cli/render/plan-text.ts";
import { missingNames, missingSecrets } from "../../../src/core/plan/secrets-check.ts";
import { agent, desired, live, liveAgent, plan } from "./fixtures.ts";

describe("the secrets a plan needs", () => {
  const needs = agent("api", { secrets: ["TOKEN", "KEY"] });
  const running = agent("worker", { secrets: ["TOKEN", "OTHER"] });

  test("only launches (create, replace, start) need them, and only unset ones are reported", () => {
    const p = plan(desired([needs, running]), live([liveAgent(running)]));
    assert.deepEqual(missingSecrets(p, { TOKEN: "t" }), [
      { address: "agents.api", agent: "api", secrets: ["KEY"] },
    ]);
    assert.deepEqual(missingSecrets(p, { TOKEN: "t", KEY: "k" }), []);
    const replaced = plan(desired([{ ...running, args: ["--new"] }]), live([liveAgent(running)]));
    assert.deepEqual(missingSecrets(replaced, {}), [
      { address: "agents.worker", agent: "worker", secrets: ["TOKEN", "OTHER"] },
    ]);
  });

  test("names are listed once, sorted", () => {
    assert.deepEqual(
      missingNames([
        { address: "a", agent: "a", secrets: ["B", "A"] },
        { address: "b", agent: "b", secrets: ["A"] },
      ]),
      ["A", "B"],
    );
  });

  test("a plan with missing secrets is an error in text and listed in JSON, never clean", () => {
    const p = plan(desired([needs]), live());
    const withMissing = { ...p, missingSecrets: missingSecrets(p, { TOKEN: "value-not-shown" }) };
    const text = renderPlanText(withMissing, { color: false });
    assert.match(
      text,
      /Error: secrets not set in the environment \(apply will refuse to start\):\n {2}agents\.api needs \$KEY/,
    );
    assert.doesNotMatch(text, /value-not-shown/);
    const doc = JSON.parse(renderPlanJson(withMissing)) as { missingSecrets: unknown };
    assert.deepEqual(doc.missingSecrets, [
      { address: "agents.api", agent: "api", secrets: ["KEY"] },
    ]);
  });
});
