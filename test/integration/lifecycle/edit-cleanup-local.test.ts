/** `fleet label`, `fleet limit` and `fleet cleanup` on this machine (real tmux and git). */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { editCleanupCases, type EditCleanupHost } from "./edit-cleanup-cases.ts";

describe("label, limit and cleanup on a local host", { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let host: EditCleanupHost;
  before(async () => {
    sb = await makeSandbox("edit-cleanup-local");
    const repo = await sb.gitRepo("proj");
    const file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      "version: 1\nname: team\nagents:\n  owned: { command: sleep 3600, idle: disabled }\n",
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    host = {
      fleet: (args, options) => sb.fleet(args, options),
      host: "local",
      repo,
      env: sb.env,
      sharedBranch: true,
    };
  });
  after(() => sb.cleanup());
  editCleanupCases(() => host);

  test("a record the host rewrote is not relabelled or re-limited: fleet acts only on what it signed", async () => {
    const made = await sb.fleet(["create", "forged", "--command", "sleep 3600", "--no-connect"]);
    assert.equal(made.code, 0, made.stderr);
    const record = join(sb.home, "agents", "forged", "agent.json");
    const forged = (await readFile(record, "utf8")).replace(
      '"labels":{}',
      '"labels":{"role":"admin"}',
    );
    await writeFile(record, forged);
    for (const args of [
      ["label", "forged", "role=review"],
      ["limit", "forged", "--idle", "disabled"],
    ]) {
      const result = await sb.fleet([...args, "--json"]);
      assert.equal(result.code, 1, result.stdout);
      const error = (JSON.parse(result.stdout) as { error: { code: string } }).error;
      assert.equal(error.code, "RECORD_TAMPERED");
    }
    assert.equal(await readFile(record, "utf8"), forged);
    const cleanup = await sb.fleet([
      "cleanup",
      "--older-than",
      "1s",
      "--destroy",
      "-y",
      "--json",
      "-l",
      "role=admin",
    ]);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.deepEqual((JSON.parse(cleanup.stdout) as { candidates: unknown[] }).candidates, []);
  });
});
