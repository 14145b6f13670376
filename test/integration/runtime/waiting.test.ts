import assert from "node:assert/strict";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { agentDir, createAgent } from "../../../src/core/host/index.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

describe("the waiting mark", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("waiting");
    await createAgent(rt.h, rt.spec("asker", { command: "sleep 600" }), {
      fleet: null,
      secrets: {},
    });
  });
  after(() => rt.cleanup());

  const viaProvider = async () =>
    (await rt.h.provider.discover([rt.h.host], rt.h.ctx)).agents.find((a) => a.name === "asker");

  test("an agent whose type marked it waiting is WAITING, to both discovery paths", async () => {
    const mark = join(agentDir(rt.sb.home, "asker"), "waiting");
    assert.equal((await rt.live("asker"))?.state, "RUNNING");
    await writeFile(mark, "");
    assert.equal((await rt.live("asker"))?.state, "WAITING");
    assert.equal((await viaProvider())?.state, "WAITING");
    await rm(mark);
    assert.equal((await rt.live("asker"))?.state, "RUNNING");
    assert.equal((await viaProvider())?.state, "RUNNING");
  });

  test("a stopped agent with a stale mark is STOPPED, not WAITING", async () => {
    await writeFile(join(agentDir(rt.sb.home, "asker"), "waiting"), "");
    await rt.tmux("kill-session", "-t", `${rt.sb.prefix}asker`);
    assert.equal((await rt.live("asker"))?.state, "MISSING");
  });
});
