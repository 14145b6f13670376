import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderPlanJson } from "../../../src/cli/render/plan-json.ts";
import { agent, desired, live, liveAgent, plan } from "./fixtures.ts";

describe("renderPlanJson", () => {
  const p = plan(
    desired([agent("new"), agent("web", { args: ["b"], secrets: ["TOKEN"] })]),
    live([liveAgent(agent("web", { args: ["a"] }))]),
  );
  const doc = JSON.parse(renderPlanJson(p)) as Record<string, unknown>;

  test("is a versioned document with format_version first", () => {
    assert.equal(doc.format_version, "1.0");
    assert.deepEqual(Object.keys(doc), [
      "format_version",
      "fleet",
      "source",
      "createdAt",
      "fingerprint",
      "summary",
      "changes",
      "conflicts",
      "missingSecrets",
      "hostErrors",
    ]);
    assert.equal(doc.fingerprint, p.fingerprint);
    assert.deepEqual(doc.summary, { add: 2, change: 0, destroy: 1, start: 0, stop: 0, noop: 0 });
  });

  test("writes each change with stable keys and its field diffs", () => {
    const changes = doc.changes as Record<string, unknown>[];
    const web = changes.find((c) => c.address === "agents.web");
    assert.ok(web);
    assert.deepEqual(Object.keys(web), [
      "address",
      "kind",
      "name",
      "host",
      "provider",
      "action",
      "reasons",
      "fields",
      "dependsOn",
      "restarts",
      "before",
      "after",
    ]);
    assert.equal(web.action, "replace");
    assert.deepEqual(web.fields, [
      { field: "args", before: ["a"], after: ["b"], forcesReplacement: true, sensitive: false },
      { field: "secrets", before: [], after: ["TOKEN"], forcesReplacement: true, sensitive: true },
    ]);
  });

  test("leaves out before/after of a field that is not set, rather than writing null", () => {
    const q = plan(desired([agent("web", { message: "hi" })]), live([liveAgent(agent("web"))]));
    const change = (JSON.parse(renderPlanJson(q)) as { changes: { fields: object[] }[] })
      .changes[0];
    assert.deepEqual(change?.fields, [
      { field: "message", after: "hi", forcesReplacement: false, sensitive: false },
    ]);
  });
});
