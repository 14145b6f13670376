import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

describe("fleet exec straight to the last-seen host", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("exec-cache");
    const created = await sb.fleet(["create", "worker", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => sb.cleanup());

  test("a command exiting 255 runs once and its code passes through", async () => {
    const counter = join(sb.dir, "runs");
    const result = await sb.fleet([
      "exec",
      "worker",
      "--",
      "sh",
      "-c",
      `echo run >> ${counter}; exit 255`,
    ]);
    assert.equal(result.code, 255);
    assert.equal(readFileSync(counter, "utf8"), "run\n");
  });

  test("a stale guess runs nothing and says the agent is gone", async () => {
    assert.equal((await sb.fleet(["list"])).code, 0);
    assert.equal((await sb.fleet(["destroy", "worker", "-y"])).code, 0);
    const marker = join(sb.dir, "should-not-exist");
    const result = await sb.fleet(["exec", "worker", "--", "touch", marker]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no agent named "worker"/);
    assert.equal(existsSync(marker), false);
  });
});
