/**
 * Old Node: bin/fleet.js must parse on it and refuse with the version it found
 * and how to run the bundled Node; a fleet.ts loaded on it is the machine's
 * fault (a system error), not the file's. Needs an old node: the system one
 * (/usr/bin/node, Node 20 on our machines) or FLEET_TEST_OLD_NODE.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";

const oldNode = process.env.FLEET_TEST_OLD_NODE ?? "/usr/bin/node";
const required = (
  JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    engines: { node: string };
  }
).engines.node;

function oldNodeVersion(): string | undefined {
  if (!existsSync(oldNode)) return undefined;
  return execFileSync(oldNode, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
}
const version = oldNodeVersion();
const minimum = /(\d+)\.(\d+)/.exec(required);
const isOld =
  version !== undefined &&
  minimum !== null &&
  (() => {
    const [major = 0, minor = 0] = version.split(".").map(Number);
    const [wantMajor, wantMinor] = [Number(minimum[1]), Number(minimum[2])];
    return major < wantMajor || (major === wantMajor && minor < wantMinor);
  })();
const skip = isOld
  ? false
  : `needs a Node older than ${required} at ${oldNode} (found ${version ?? "none"}; set FLEET_TEST_OLD_NODE)`;

describe("running on a Node older than package.json's engines", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("old-node");
  });
  after(() => sb.cleanup());

  /** Runs the old node synchronously: these are short, and their stdout/stderr are wanted whole. */
  const runOld = (args: string[]): { code: number; stdout: string; stderr: string } => {
    try {
      const stdout = execFileSync(oldNode, args, {
        cwd: sb.dir,
        env: sb.env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { code: 0, stdout, stderr: "" };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr };
    }
  };

  test("bin/fleet.js refuses, naming the version found and the bundled Node", { skip }, () => {
    const result = runOld([fleetBin, "ls"]);
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`fleet needs Node ${required}`), result.stderr);
    assert.ok(result.stderr.includes(`this is Node ${version ?? ""}`), result.stderr);
    assert.match(result.stderr, /node_modules\/\.bin\/node|npm ci/);
    assert.doesNotMatch(result.stderr, /SyntaxError|registerHooks/);
  });

  test(
    "a fleet.ts on old Node is a system error with the right hint, not 'fix the fleet file'",
    { skip },
    async () => {
      await writeFile(
        join(sb.dir, "fleet.ts"),
        'import { defineFleet } from "fleet";\nexport default defineFleet({ version: 1, name: "t", agents: {} });\n',
      );
      // The bundle itself, as if bin/fleet.js's check were bypassed.
      const result = runOld([join(repoRoot, "dist", "bundle", "main.js"), "validate", "--json"]);
      assert.equal(result.code, 1);
      const { error } = JSON.parse(result.stdout) as {
        error: { code: string; fault: string; message: string; hint: string };
      };
      assert.equal(error.code, "NODE_TOO_OLD");
      assert.equal(error.fault, "system");
      assert.ok(error.message.includes(`Node v${version ?? ""}`), error.message);
      assert.match(error.hint, /node_modules\/\.bin\/node/);
      assert.doesNotMatch(
        JSON.stringify(error),
        /fix the fleet file|registerHooks is not a function/,
      );
    },
  );
});
