/**
 * Apply's progress on a terminal (a real pseudo-terminal, made by util-linux
 * `script`) and without one.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { fleetBin, makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { shellJoin } from "../../../src/core/contracts/transport.ts";

const execFileAsync = promisify(execFile);
const ESC = String.fromCharCode(27);

const scriptSkip = await execFileAsync("script", ["--version"]).then(
  () => false as const,
  () => "util-linux `script` is not installed (it makes the pseudo-terminal)",
);
if (scriptSkip !== false) console.log(`# apply progress tests skipped: ${scriptSkip}`);

describe("apply progress", () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await makeSandbox("apply-progress");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: prog
agents:
  one: { agent: command, command: "sleep 600" }
  two: { agent: command, command: "sleep 600" }
`,
    );
  });
  after(() => sb.cleanup());

  test(
    "on a terminal, each change in flight has a live line with its elapsed time, cleared when it is done",
    { skip: scriptSkip },
    async () => {
      const command = shellJoin([
        process.execPath,
        fleetBin,
        "apply",
        "-f",
        file,
        "-y",
        "--no-color",
      ]);
      const { stdout } = await execFileAsync("script", ["-qec", command, "/dev/null"], {
        env: sb.env,
        cwd: sb.dir,
      });
      // Live lines: the change, what it is doing, and seconds elapsed.
      assert.match(stdout, /^ {2}agents\.one: creating\.\.\. \d+s\r?$/m);
      assert.match(stdout, /^ {2}agents\.two: creating\.\.\. \d+s\r?$/m);
      // Redrawn in place: the cursor goes up over the live lines and clears them.
      assert.match(stdout, new RegExp(`${ESC}\\[\\dA\\r${ESC}\\[J`));
      // Each finished change is printed once, as a plain line.
      assert.equal(stdout.match(/agents\.one: created \(/g)?.length, 1);
      assert.match(stdout, /Apply complete! Resources: 2 added/);
    },
  );

  test("without a terminal, a line per finished change and no live lines", async () => {
    await sb.fleet(["destroy", "-f", file, "-y"]);
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /^agents\.one: created \(\d+\.\ds\)$/m);
    assert.match(applied.stderr, /^agents\.two: created \(\d+\.\ds\)$/m);
    assert.doesNotMatch(applied.stderr, /creating\.\.\./);
    assert.ok(!applied.stderr.includes(ESC), "no escape sequences");
  });
});
