/**
 * The Pulumi examples type-check against fleet/pulumi's own types (this
 * checkout's src/pulumi-sdk, through examples/pulumi/tsconfig.json), with
 * @pulumi/docker's and @pulumi/command's published types.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "./example-program.ts";

test("examples/pulumi type-checks, each example and the SDK it imports included", () => {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(
    process.execPath,
    [tsc, "-p", join(repoRoot, "examples", "pulumi"), "--noEmit", "--listFiles"],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
  const files = result.stdout.split("\n");
  for (const file of [
    join(repoRoot, "examples", "pulumi", "docker-host", "index.ts"),
    join(repoRoot, "examples", "pulumi", "ssh-prepared", "index.ts"),
    join(repoRoot, "src", "pulumi-sdk", "index.ts"),
    join(repoRoot, "node_modules", "@pulumi", "docker", "container.d.ts"),
    join(repoRoot, "node_modules", "@pulumi", "command", "remote", "command.d.ts"),
  ]) {
    assert.ok(files.includes(file), `${file} was not type-checked`);
  }
});
