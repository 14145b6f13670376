/**
 * The files docs/team-workflow.md tells users to copy: they must parse, and do
 * what the doc says they do.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { parse } from "yaml";
import { repoRoot } from "../../helpers/sandbox.ts";

const run = promisify(execFile);
const example = (path: string): string => join(repoRoot, "examples", path);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  "runs-on": unknown;
  steps: Step[];
}
interface Workflow {
  on: {
    pull_request?: unknown;
    push?: { branches?: string[] };
    schedule?: { cron: string }[];
    workflow_dispatch?: unknown;
  };
  jobs: Record<string, Job>;
}

const runs = (job: Job | undefined): string =>
  (job?.steps ?? []).map((step) => step.run ?? "").join("\n");
const uses = (job: Job | undefined, action: string): Step | undefined =>
  job?.steps.find((step) => step.uses?.startsWith(`${action}@`));

describe("examples/github/fleet.yml", () => {
  const load = async (): Promise<Workflow> =>
    parse(await readFile(example("github/fleet.yml"), "utf8")) as Workflow;

  test("is a workflow on pull requests, pushes to main and a schedule", async () => {
    const workflow = await load();
    assert.ok(workflow.on.pull_request !== undefined);
    assert.deepEqual(workflow.on.push?.branches, ["main"]);
    assert.match(workflow.on.schedule?.[0]?.cron ?? "", /^(\S+\s+){4}\S+$/);
  });

  test("on a pull request: validate, plan as Markdown to a comment, plan.json as an artifact", async () => {
    const plan = (await load()).jobs.plan;
    assert.match(plan?.if ?? "", /pull_request/);
    assert.match(runs(plan), /fleet validate/);
    assert.match(runs(plan), /fleet plan .*--format markdown -o plan\.json > plan\.md/);
    assert.equal(uses(plan, "actions/upload-artifact")?.with?.path, "plan.json");
    const script = uses(plan, "actions/github-script")?.with?.script;
    assert.equal(typeof script, "string");
    assert.match(script as string, /plan\.md/);
    assert.match(script as string, /updateComment/, "updates its earlier comment, not a new one");
    assert.match(script as string, /createComment/);
  });

  test("on a push to main: apply the reviewed plan from the merged PR's run", async () => {
    const apply = (await load()).jobs.apply;
    assert.match(apply?.if ?? "", /push/);
    assert.match(runs(apply), /gh run download .*--name fleet-plan/);
    assert.match(runs(apply), /fleet apply plan\.json/);
    assert.doesNotMatch(runs(apply), /fleet apply -y/, "never applies an unreviewed plan");
  });

  test("on the schedule: fleet reconcile", async () => {
    const reconcile = (await load()).jobs.reconcile;
    assert.match(reconcile?.if ?? "", /schedule/);
    assert.match(runs(reconcile), /fleet reconcile/);
  });
});

describe("examples/cron/fleet-reconcile.cron", () => {
  test("has one crontab line, every minute, running fleet reconcile", async () => {
    const lines = (await readFile(example("cron/fleet-reconcile.cron"), "utf8"))
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"));
    assert.equal(lines.length, 1);
    const fields = lines[0]?.split(/\s+/) ?? [];
    assert.deepEqual(fields.slice(0, 5), ["*", "*", "*", "*", "*"]);
    assert.match(fields.slice(5).join(" "), /\bfleet reconcile\b/);
    assert.doesNotMatch(lines[0] ?? "", /%/, "% is special in crontab lines");
  });
});

describe("examples/systemd", () => {
  const units = ["fleet-reconcile.service", "fleet-reconcile.timer"];

  test("the service runs fleet reconcile once; the timer starts it every minute", async () => {
    const service = await readFile(example("systemd/fleet-reconcile.service"), "utf8");
    assert.match(service, /^Type=oneshot$/m);
    assert.match(service, /^ExecStart=.*\bfleet reconcile$/m);
    const timer = await readFile(example("systemd/fleet-reconcile.timer"), "utf8");
    assert.match(timer, /^OnUnitActiveSec=1min$/m);
    assert.match(timer, /^Unit=fleet-reconcile\.service$/m);
    assert.match(timer, /^WantedBy=timers\.target$/m);
  });

  test("systemd-analyze verify finds nothing wrong with the user units", async (t) => {
    const found = await run("systemd-analyze", ["--version"]).catch(() => undefined);
    if (!found) {
      t.skip("systemd-analyze is not installed here");
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), "fleet-units-"));
    try {
      for (const unit of units) await copyFile(example(`systemd/${unit}`), join(dir, unit));
      const runtime = join(dir, "runtime");
      await mkdir(runtime);
      const result = await run(
        "systemd-analyze",
        ["verify", "--user", ...units.map((unit) => join(dir, unit))],
        { env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: "0" } },
      ).catch((error: unknown) => error as { code: number; stderr: string });
      assert.equal(result.stderr, "", "no warnings");
      assert.ok(!("code" in result) || result.code === 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
