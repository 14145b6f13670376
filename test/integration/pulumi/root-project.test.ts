/**
 * The repository's root Pulumi.yaml, as docs/pulumi.md tells a Pulumi user to
 * use it: `pulumi preview -s local` in the checkout shows the same changes as
 * `fleet plan --engine pulumi -f stacks/local/fleet.yaml` on the same backend,
 * `pulumi up -s local` repairs what they show, and the committed stack file is
 * left as it is.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";
import { exportStack, fleetOffline, pulumiSkip, runPulumi } from "./pulumi-env.ts";

const skip = pulumiSkip("root Pulumi.yaml");
const exampleFleet = join(repoRoot, "stacks", "local", "fleet.yaml");
const stackFile = join(repoRoot, "stacks", "Pulumi.local.yaml");

interface PreviewJson {
  steps: { op: string; urn: string }[];
}
interface PlanJson {
  changes: { address: string; action: string }[];
}

const ADDRESS: Record<string, string> = {
  "fleet:index:Agent": "agents",
  "fleet:index:Host": "hosts",
};

describe("pulumi preview|up -s local in the checkout", { skip, timeout: 600_000 }, () => {
  let sb: Sandbox;
  let committed: string;
  const fleet = (args: string[]) => fleetOffline(sb, args);
  const fleetPlan = async (): Promise<Record<string, string>> => {
    const planned = await fleet([
      "plan",
      "--engine",
      "pulumi",
      "-f",
      exampleFleet,
      "--format",
      "json",
    ]);
    assert.equal(planned.code, 0, planned.stderr);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    return Object.fromEntries(
      plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action]),
    );
  };
  const pulumiPreview = async (): Promise<Record<string, string>> => {
    const previewed = await runPulumi(
      sb,
      ["preview", "-s", "local", "--refresh", "--json"],
      repoRoot,
    );
    assert.equal(previewed.code, 0, previewed.stderr + previewed.stdout);
    const preview = JSON.parse(previewed.stdout) as PreviewJson;
    return Object.fromEntries(
      preview.steps.flatMap((step) => {
        const [, , type = "", name = ""] = step.urn.split("::");
        const kind = ADDRESS[type];
        return kind === undefined || step.op === "same" || step.op === "refresh"
          ? []
          : [[`${kind}.${name}`, step.op]];
      }),
    );
  };

  before(async () => {
    sb = await makeSandbox("pulumi-root");
    committed = await readFile(stackFile, "utf8");
  });
  after(async () => {
    if (sb) {
      await fleet(["destroy", "--engine", "pulumi", "-f", exampleFleet, "-y"]);
      await sb.cleanup();
    }
  });

  test("on a new stack, both show the example fleet's three agents to create", async () => {
    const planned = await fleetPlan();
    assert.deepEqual(planned, {
      "agents.echo-bot": "create",
      "agents.status-board": "create",
      "agents.ticker": "create",
    });
    assert.deepEqual(await pulumiPreview(), planned);
  });

  test("after fleet apply, both show nothing; a killed session shows in both", async () => {
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", exampleFleet, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(await pulumiPreview(), {});
    await sb.tmux(["kill-session", "-t", `${sb.prefix}ticker`]);
    const planned = await fleetPlan();
    assert.deepEqual(planned, { "agents.ticker": "update" });
    assert.deepEqual(await pulumiPreview(), planned);
  });

  test("pulumi up -s local repairs it, on the stack fleet reads", async () => {
    const up = await runPulumi(sb, ["up", "-s", "local", "--yes", "--refresh"], repoRoot);
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.deepEqual(await fleetPlan(), {});
    const listed = await fleet(["list", "--format", "json"]);
    const agents = (JSON.parse(listed.stdout) as { agents: { name: string; state: string }[] })
      .agents;
    assert.equal(agents.find((a) => a.name === "ticker")?.state, "RUNNING");
    const { resources } = await exportStack(sb, "local");
    assert.equal(resources.length, 3);
  });

  test("the committed stack file is left as it was", async () => {
    assert.equal(await readFile(stackFile, "utf8"), committed);
  });
});
