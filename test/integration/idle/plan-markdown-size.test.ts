/**
 * The PR comment a team workflow posts: `fleet plan --format markdown` for a
 * fleet of 500 agents, none running yet, so 500 planned creates. GitHub rejects
 * comments over 65,536 characters; the summary line must survive any cut.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { fleetFile } from "./idle-helpers.ts";

const AGENTS = 500;

describe("fleet plan --format markdown for 500 changes", () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await makeSandbox("plan-markdown-size");
    const agents = Array.from(
      { length: AGENTS },
      (_, i) =>
        `  worker-${String(i).padStart(3, "0")}: { command: "sleep 600 # a task description that makes the row longer", labels: { team: payments, shard: "${i}" } }`,
    );
    file = await fleetFile(sb, `version: 1\nname: big\nagents:\n${agents.join("\n")}\n`);
  });
  after(() => sb.cleanup());

  test("stays under 65,000 characters with the summary line first", async () => {
    const result = await sb.fleet([
      "plan",
      "-f",
      file,
      "--format",
      "markdown",
      "-o",
      join(sb.dir, "plan.json"),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.length < 65_000, `length ${result.stdout.length}`);
    assert.equal(
      result.stdout.split("\n")[0],
      "**Plan:** 500 to add, 0 to change, 0 to destroy. Fleet `big` (`fleet.yaml`).",
    );
    assert.match(result.stdout, /Run `fleet plan` for the full plan\._\n?$/);
    // The saved plan, which apply uses, has every change the comment could not show.
    const saved = JSON.parse(await readFile(join(sb.dir, "plan.json"), "utf8")) as {
      plan: { changes: unknown[] };
    };
    assert.equal(saved.plan.changes.length, AGENTS);
  });
});
