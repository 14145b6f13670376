import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderPlanMarkdown } from "../../../src/cli/render/plan-markdown.ts";
import { renderPlanText } from "../../../src/cli/render/plan-text.ts";
import { readPlanFile, writePlanFile } from "../../../src/core/plan/plan-file.ts";
import { hasChanges } from "../../../src/core/plan/compute.ts";
import type { LiveService } from "../../../src/core/model.ts";
import { serviceStates, type PaneInfo } from "../../../src/core/host/probe.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agent, changeAt, desired, live, liveAgent, plan } from "./fixtures.ts";

const db = { name: "db", command: "run-db", port: "auto" as const };
const web = { name: "web", command: "run-web", port: 8080 };
const spec = agent("app", { services: [db, web] });

function withServices(services: LiveService[], state: "RUNNING" | "DONE" | "STOPPED" = "RUNNING") {
  return { ...liveAgent(spec, { state }), services };
}

describe("dead services in plans", () => {
  test("an exited service of a running agent is an in-place update that restarts it on its port", () => {
    const p = plan(
      desired([spec]),
      live([
        withServices([
          { name: "db", port: 23456, state: "exited", exitCode: 1 },
          { name: "web", port: 8080, state: "running" },
        ]),
      ]),
    );
    const change = changeAt(p, "agents.app");
    assert.equal(change.action, "update");
    assert.deepEqual(change.reasons, ["service db exited (code 1)"]);
    assert.deepEqual(change.fields, []);
    assert.deepEqual(change.restarts, [
      { service: "db", state: "exited", exitCode: 1, port: 23456 },
    ]);
    assert.equal(p.summary.change, 1);
    assert.ok(hasChanges(p));
  });

  test("a closed window is a restart too, and reads differently", () => {
    const p = plan(
      desired([spec]),
      live([
        withServices([
          { name: "db", port: 23456, state: "missing" },
          { name: "web", port: 8080, state: "running" },
        ]),
      ]),
    );
    const change = changeAt(p, "agents.app");
    assert.deepEqual(change.reasons, ["service db's window is gone"]);
    assert.deepEqual(change.restarts, [{ service: "db", state: "missing", port: 23456 }]);
  });

  test("running services, and the services of an agent that is not running, change nothing", () => {
    const running = plan(
      desired([spec]),
      live([
        withServices([
          { name: "db", port: 1, state: "running" },
          { name: "web", port: 8080, state: "running" },
        ]),
      ]),
    );
    assert.equal(changeAt(running, "agents.app").action, "noop");
    for (const state of ["DONE", "STOPPED"] as const) {
      const p = plan(
        desired([spec]),
        live([withServices([{ name: "db", port: 1, state: "exited", exitCode: 2 }], state)]),
      );
      assert.equal(changeAt(p, "agents.app").action, "noop", state);
      assert.equal(changeAt(p, "agents.app").restarts, undefined);
    }
  });

  test("a field update and a restart go together in one change", () => {
    const p = plan(
      desired([{ ...spec, labels: { team: "a" } }]),
      live([
        withServices([
          { name: "db", port: 5, state: "exited" },
          { name: "web", port: 8080, state: "running" },
        ]),
      ]),
    );
    const change = changeAt(p, "agents.app");
    assert.equal(change.action, "update");
    assert.deepEqual(change.reasons, ["labels changed", "service db exited"]);
    assert.equal(change.restarts?.length, 1);
  });

  test("text and Markdown show the restart and its port", () => {
    const p = plan(
      desired([spec]),
      live([withServices([{ name: "db", port: 23456, state: "exited", exitCode: 1 }])]),
    );
    const text = renderPlanText(p, { color: false });
    assert.match(
      text,
      /# agents\.app will be updated in-place\n {2}# {3}service db exited \(code 1\)\n {2}~ agent "app" on local \(command\)\n {6}~ service db: restart on port 23456/,
    );
    assert.match(text, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    assert.match(renderPlanMarkdown(p), /^\+ service db: restart on port 23456$/m);
  });

  test("a saved plan keeps its restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleet-test-plan-restarts-"));
    try {
      const d = desired([spec]);
      const p = plan(
        d,
        live([withServices([{ name: "db", port: 23456, state: "exited", exitCode: 1 }])]),
      );
      await writePlanFile(join(dir, "plan.json"), p, d);
      const read = await readPlanFile(join(dir, "plan.json"));
      assert.deepEqual(
        changeAt(read.plan, "agents.app").restarts,
        changeAt(p, "agents.app").restarts,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("service states from tmux panes", () => {
  const pane = (window: string, extra: Partial<PaneInfo> = {}): PaneInfo => ({
    session: "s",
    window,
    dead: false,
    attached: false,
    owner: "app",
    ...extra,
  });

  test("running, exited with its code, killed by a signal as 128+N, missing, and stopped", () => {
    const services = [
      db,
      web,
      { name: "job", command: "x", port: null },
      { name: "gone", command: "y", port: null },
    ];
    const windows = new Map([
      ["db", pane("db")],
      ["web", pane("web", { dead: true, exitCode: 3 })],
      ["job", pane("job", { dead: true, signal: 9 })],
    ]);
    assert.deepEqual(serviceStates(services, { db: 23456 }, windows), [
      { name: "db", port: 23456, state: "running" },
      { name: "web", port: 8080, state: "exited", exitCode: 3 },
      { name: "job", port: null, state: "exited", exitCode: 137 },
      { name: "gone", port: null, state: "missing" },
    ]);
    assert.deepEqual(serviceStates([db], {}, undefined), [
      { name: "db", port: null, state: "stopped" },
    ]);
  });

  test("malformed entries a host reports are left out", () => {
    const hostile = [null, { command: "no name" }, db] as unknown as (typeof db)[];
    assert.deepEqual(
      serviceStates(hostile, { db: "x" } as unknown as Record<string, number>, new Map()),
      [{ name: "db", port: null, state: "missing" }],
    );
  });
});
