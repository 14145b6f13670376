import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import { specHash } from "../../../src/core/spec-hash.ts";
import { tempDir } from "../config/helpers.ts";

describe("notify: in the fleet file", () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  const file = (agentNotify: string): string =>
    tmp.write(
      "fleet.yaml",
      `version: 1
name: team
defaults:
  notify:
    webhooks: [{ urlFrom: SLACK_WEBHOOK }]
templates:
  loud:
    notify: { desktop: true, on: [waiting, failed] }
agents:
  a: { command: "sleep 1", template: loud${agentNotify} }
  b: { command: "sleep 1" }
`,
    );

  test("merges by key over templates and defaults; unset keys take their defaults", async () => {
    const desired = await loadFleetFile(file(""));
    assert.deepEqual(desired.notify?.a, {
      on: ["waiting", "failed"],
      desktop: true,
      webhooks: [{ urlFrom: "SLACK_WEBHOOK", format: "slack" }],
    });
    assert.deepEqual(desired.notify?.b, {
      on: ["waiting", "finished", "failed", "stopped", "handoff"],
      desktop: false,
      webhooks: [{ urlFrom: "SLACK_WEBHOOK", format: "slack" }],
    });
  });

  test("a more specific layer's lists replace the ones it overrides", async () => {
    const desired = await loadFleetFile(
      file(', notify: { on: [], webhooks: [{ url: "http://127.0.0.1:9/h", format: ntfy }] }'),
    );
    assert.deepEqual(desired.notify?.a, {
      on: [],
      desktop: true,
      webhooks: [{ url: "http://127.0.0.1:9/h", format: "ntfy" }],
    });
  });

  test("is not part of the agent's spec: changing it changes no spec hash", async () => {
    const before = await loadFleetFile(file(""));
    const changed = await loadFleetFile(file(", notify: { on: [handoff] }"));
    const hash = (d: typeof before, name: string) =>
      specHash(d.agents.find((a) => a.name === name) ?? assert.fail(name));
    assert.equal(hash(before, "a"), hash(changed, "a"));
    assert.equal("notify" in (before.agents[0] ?? {}), false);
  });

  test("an unknown event, a non-http URL or both url and urlFrom is an error", async () => {
    for (const bad of [
      ", notify: { on: [exploded] }",
      ', notify: { webhooks: [{ url: "file:///etc/passwd" }] }',
      ', notify: { webhooks: [{ url: "http://x/", urlFrom: HOOK }] }',
    ]) {
      await assert.rejects(loadFleetFile(file(bad)), /notify/, bad);
    }
  });
});
