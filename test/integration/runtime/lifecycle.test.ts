import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  createAgent,
  readEvents,
  startAgent,
  stopAgent,
  updateAgent,
} from "../../../src/core/host/index.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

describe("agent lifecycle", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("lifecycle");
  });
  after(async () => {
    await rt.cleanup();
  });

  /** A command that appends a line to a file each time it starts. */
  const counting = (name: string) => {
    const starts = join(rt.sb.dir, `${name}-starts`);
    return { starts, command: `echo start >> ${starts}; exec cat` };
  };
  const startCount = async (file: string) =>
    (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;

  test("stop ends the session, keeps the dir and records why; start brings it back", async () => {
    const { starts, command } = counting("cycle");
    await createAgent(rt.h, rt.spec("cycle", { command }), { fleet: null, secrets: {} });
    await waitFor(async () => (await startCount(starts)) === 1);

    const stopped = await stopAgent(rt.h, "cycle", { reason: "idle for 15m" });
    assert.equal(stopped.state, "STOPPED");
    const live = await rt.live("cycle");
    assert.equal(live?.state, "STOPPED");
    assert.ok(live.stoppedAt);
    assert.equal(await rt.hasSession("cycle"), false);
    assert.ok((await stat(join(rt.sb.home, "agents", "cycle", "work"))).isDirectory());
    const record = JSON.parse(
      await readFile(join(rt.sb.home, "agents", "cycle", "agent.json"), "utf8"),
    ) as {
      state: string;
      stopReason: string;
    };
    assert.equal(record.state, "stopped");
    assert.equal(record.stopReason, "idle for 15m");
    const stopEvent = (await readEvents(rt.h, "cycle")).find((e) => e.type === "stopped");
    assert.equal(stopEvent?.reason, "idle for 15m");

    const started = await startAgent(rt.h, "cycle", { secrets: {} });
    assert.equal(started.state, "RUNNING");
    await rt.waitForState("cycle", "RUNNING");
    await waitFor(async () => (await startCount(starts)) === 2);
    const types = (await readEvents(rt.h, "cycle")).map((e) => e.type);
    assert.deepEqual(types, ["created", "stopped", "started"]);
  });

  test("a session killed by hand shows as MISSING and starts again", async () => {
    await createAgent(rt.h, rt.spec("killed"), { fleet: null, secrets: {} });
    await rt.tmux("kill-session", "-t", `=${rt.sb.prefix}killed`);
    await rt.waitForState("killed", "MISSING");
    await startAgent(rt.h, "killed", { secrets: {} });
    await rt.waitForState("killed", "RUNNING");
  });

  test("a program that exits after its start shows as DONE with its exit code and starts again", async () => {
    const { starts } = counting("exits");
    // It outlives the exit window: exiting within it would fail the create.
    await createAgent(
      rt.h,
      rt.spec("exits", { command: `echo start >> ${starts}; echo bye; sleep 2; exit 3` }),
      {
        fleet: null,
        secrets: {},
      },
    );
    // tmux can show the pane dead a moment before it has collected the exit status.
    const done = await waitFor(async () => {
      const agent = await rt.waitForState("exits", "DONE");
      return agent.exitCode === undefined ? undefined : agent;
    });
    assert.equal(done.exitCode, 3);
    await startAgent(rt.h, "exits", { secrets: {} });
    await waitFor(async () => (await startCount(starts)) === 2);
  });

  test("start keeps the service's port when it is still free", async () => {
    const spec = rt.spec("ports", {
      services: [{ name: "api", command: "exec sleep 600", port: "auto" }],
    });
    const created = await createAgent(rt.h, spec, { fleet: null, secrets: {} });
    await stopAgent(rt.h, "ports", { reason: "test" });
    const started = await startAgent(rt.h, "ports", { secrets: {} });
    assert.equal(started.ports?.api, created.ports?.api);
  });

  test("two agents with auto ports get different ports", async () => {
    const service = [{ name: "db", command: "exec sleep 600", port: "auto" as const }];
    const a = await createAgent(rt.h, rt.spec("porta", { services: service }), {
      fleet: null,
      secrets: {},
    });
    const b = await createAgent(rt.h, rt.spec("portb", { services: service }), {
      fleet: null,
      secrets: {},
    });
    assert.notEqual(a.ports?.db, b.ports?.db);
  });

  test("start needs the agent's secrets again", async () => {
    await createAgent(rt.h, rt.spec("needs", { secrets: ["TOKEN"] }), {
      fleet: null,
      secrets: { TOKEN: "value-1" },
    });
    await stopAgent(rt.h, "needs", { reason: "test" });
    await assert.rejects(startAgent(rt.h, "needs", { secrets: {} }), { code: "SECRET_MISSING" });
  });

  test("update rewrites the record in place without restarting", async () => {
    const { starts, command } = counting("upd");
    const spec = rt.spec("upd", { command, labels: { a: "1" } });
    const created = await createAgent(rt.h, spec, { fleet: "team", secrets: {} });
    await waitFor(async () => (await startCount(starts)) === 1);
    const updated = await updateAgent(rt.h, { ...spec, labels: { a: "2" }, idleTimeout: 60_000 });
    assert.notEqual(updated.specHash, created.specHash);
    const live = await rt.live("upd");
    assert.equal(live?.state, "RUNNING");
    assert.deepEqual(live.spec.labels, { a: "2" });
    assert.equal(live.spec.idleTimeout, 60_000);
    assert.equal(live.fleet, "team");
    assert.equal(await startCount(starts), 1);
    const event = (await readEvents(rt.h, "upd")).find((e) => e.type === "updated");
    assert.deepEqual(event?.fields, ["idleTimeout", "labels"]);
  });

  test("operations on an unknown agent fail with AGENT_NOT_FOUND", async () => {
    await assert.rejects(stopAgent(rt.h, "nobody", { reason: "x" }), { code: "AGENT_NOT_FOUND" });
    await assert.rejects(startAgent(rt.h, "nobody", { secrets: {} }), { code: "AGENT_NOT_FOUND" });
    await assert.rejects(readEvents(rt.h, "nobody"), { code: "AGENT_NOT_FOUND" });
  });
});
