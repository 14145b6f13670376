import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FleetError } from "../../../src/core/errors.ts";
import { readPlanFile, writePlanFile } from "../../../src/core/plan/plan-file.ts";
import {
  agent,
  desired,
  host,
  hostError,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
  plan,
} from "./fixtures.ts";

// Pure file I/O: a temp dir is all the isolation these tests need (no tmux, no FLEET_HOME).
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleet-test-plan-file-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fleetFile = desired(
  [
    agent("web", {
      args: ["b"],
      secrets: ["TOKEN"],
      workdir: { from: "/repo", branch: "fleet/web" },
    }),
    agent("api", { host: "sandbox", network: { egress: "allowlist", cidrs: ["10.0.0.0/8"] } }),
    agent("far", { host: "box" }),
  ],
  [host("sandbox"), host("box", "ssh")],
);
const saved = plan(
  fleetFile,
  live(
    [liveAgent(agent("web", { args: ["a"] })), liveAgent(agent("old"))],
    [LOCAL_LIVE, liveHost(host("sandbox"), { state: "stopped" })],
    [hostError("box")],
  ),
);

async function expectInvalid(content: string, message: RegExp): Promise<void> {
  const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, content);
  await assert.rejects(readPlanFile(path), (error: unknown) => {
    assert.ok(error instanceof FleetError);
    assert.equal(error.code, "PLAN_INVALID");
    assert.match(error.message, message);
    assert.match(error.hint ?? "", /fleet plan -o/);
    return true;
  });
}

describe("plan files", () => {
  test("round-trip the plan and the desired state unchanged", async () => {
    const path = join(dir, "plan.json");
    await writePlanFile(path, saved, fleetFile);
    const read = await readPlanFile(path);
    assert.deepEqual(read.plan, saved);
    assert.deepEqual(read.desired, fleetFile);
    const raw = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    assert.equal(raw.kind, "fleet-plan");
    assert.equal(raw.format_version, "1.0");
  });

  test("a corrupt file is PLAN_INVALID", async () => {
    const path = join(dir, "plan.json");
    await writePlanFile(path, saved, fleetFile);
    const text = await readFile(path, "utf8");
    await expectInvalid(text.slice(0, text.length / 2), /not valid JSON/);
  });

  test("a JSON file that is not a plan is PLAN_INVALID", async () => {
    await expectInvalid(JSON.stringify({ version: 1, name: "payments" }), /not a fleet plan file/);
  });

  test("a plan of another format version is PLAN_INVALID and says which", async () => {
    await expectInvalid(
      JSON.stringify({ format_version: "2.0", kind: "fleet-plan", plan: {}, desired: {} }),
      /plan format "2\.0"; this fleet reads format 1\.0/,
    );
  });

  test("a plan with a malformed change is PLAN_INVALID and names the field", async () => {
    const broken = structuredClone({
      format_version: "1.0",
      kind: "fleet-plan",
      plan: saved,
      desired: fleetFile,
    });
    (broken.plan.changes[0] as { action: string }).action = "explode";
    await expectInvalid(JSON.stringify(broken), /plan\.changes\.0\.action/);
  });

  test("a missing file is PLAN_INVALID", async () => {
    await assert.rejects(readPlanFile(join(dir, "nope.json")), (error: unknown) => {
      assert.ok(error instanceof FleetError);
      assert.equal(error.code, "PLAN_INVALID");
      assert.match(error.message, /does not exist/);
      return true;
    });
  });
});
