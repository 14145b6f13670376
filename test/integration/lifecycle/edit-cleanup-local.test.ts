/** `fleet label`, `fleet limit` and `fleet cleanup` on this machine (real tmux and git). */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe } from "node:test";
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
});
