/** The example plugin's JavaScript type-checks against fleet's plugin contract (fleet/plugin). */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "../../helpers/sandbox.ts";
import { examplePlugin } from "./plugin-fixture.ts";

const execFileAsync = promisify(execFile);

test(
  "tsc -p examples/plugins/fleet-provider-podman finds no type errors",
  { timeout: 120_000 },
  async () => {
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const result = await execFileAsync(process.execPath, [
      tsc,
      "-p",
      join(examplePlugin, "tsconfig.json"),
    ]).then(
      () => ({ code: 0, stdout: "" }),
      (error: unknown) => {
        const failed = error as { code?: number; stdout?: string };
        return { code: failed.code ?? 1, stdout: failed.stdout ?? "" };
      },
    );
    assert.equal(result.code, 0, result.stdout);
  },
);
