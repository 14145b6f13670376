/**
 * `fleet reconcile` against real tmux agents on a timeline: one fleet applied at
 * t0, reconciled at fixed moments after it. Idle signals have one-second
 * resolution (tmux window_activity, marker mtimes), so every check keeps more
 * than a second of margin from a timeout.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import {
  CHATTY,
  SILENT,
  TOUCHER,
  events,
  fleetFile,
  states,
  stopEvents,
  until,
} from "./idle-helpers.ts";

interface ReconcileJson {
  dryRun: boolean;
  ok: boolean;
  stopped: { name: string; reason: string }[];
  stops: { name: string; status: string; reason: string }[];
}

describe("fleet reconcile on a timeline", () => {
  let sb: Sandbox;
  let file: string;
  let t0: number;
  before(async () => {
    sb = await makeSandbox("reconcile-idle");
    file = await fleetFile(
      sb,
      `version: 1
name: idlers
agents:
  quiet: { command: ${SILENT}, idleTimeout: 3s }
  chatty: { command: ${CHATTY}, idleTimeout: 3s }
  toucher: { command: ${TOUCHER}, idleTimeout: 3s }
  messaged: { command: ${SILENT}, idleTimeout: 4s }
  keep: { command: ${SILENT}, idle: disabled }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    t0 = Date.now();
    const noted = await sb.fleet(["exec", "quiet", "--", "sh", "-c", "echo kept > note.txt"]);
    assert.equal(noted.code, 0, noted.stderr);
  });
  after(() => sb.cleanup());

  test("at 1 s, nothing is idle yet: reconcile stops nothing and exits 0", async () => {
    await until(t0 + 1000);
    const result = await sb.fleet(["reconcile", "-f", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Nothing to stop .*5 running agents/);
    assert.match(result.stdout, /agents\.keep: idle shutdown is disabled/);
    assert.deepEqual(Object.values(await states(sb)), Array(5).fill("RUNNING"));
  });

  test("a message at 2.5 s is sent (it resets the agent's idle time)", async () => {
    await until(t0 + 2500);
    const sent = await sb.fleet(["message", "messaged", "are you there?"]);
    assert.equal(sent.code, 0, sent.stderr);
  });

  test("--dry-run at 4.2 s shows the idle agent's stop and changes nothing", async () => {
    await until(t0 + 4200);
    const result = await sb.fleet(["reconcile", "-f", file, "--dry-run", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReconcileJson;
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.stopped, []);
    assert.deepEqual(
      report.stops.map((s) => [s.name, s.status]),
      [["quiet", "planned"]],
    );
    assert.equal((await states(sb)).quiet, "RUNNING");
    assert.deepEqual(await stopEvents(sb, "quiet"), []);
  });

  test("at 5 s, the silent agent is stopped and the active ones are not", async () => {
    await until(t0 + 5000);
    const result = await sb.fleet(["reconcile", "-f", file, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ReconcileJson;
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.stopped.map((s) => s.name),
      ["quiet"],
    );
    assert.match(report.stopped[0]?.reason ?? "", /^idle for \d+s \(timeout 3s\)$/);
    assert.deepEqual(await states(sb), {
      chatty: "RUNNING",
      keep: "RUNNING",
      messaged: "RUNNING",
      quiet: "STOPPED",
      toucher: "RUNNING",
    });
  });

  test("`fleet logs` shows the stop with its reason", async () => {
    const logs = await sb.fleet(["logs", "quiet"]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(
      logs.stdout,
      /stopped\s+reason=idle for \d+s \(timeout 3s\) previousState=RUNNING/,
    );
  });

  test("at 7.7 s, the messaged agent is idle 5 s after its message and is stopped", async () => {
    await until(t0 + 7700);
    const result = await sb.fleet(["reconcile", "-f", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /agents\.messaged will be stopped/);
    assert.match(result.stdout, /Reconcile complete: stopped 1 agent\./);
    const states1 = await states(sb);
    assert.equal(states1.messaged, "STOPPED");
    assert.equal(states1.keep, "RUNNING");
    assert.equal(states1.chatty, "RUNNING");
  });

  test("a stopped agent comes back with `fleet start`, its work dir kept", async () => {
    const started = await sb.fleet(["start", "quiet"]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal((await states(sb)).quiet, "RUNNING");
    const note = await sb.fleet(["exec", "quiet", "--", "cat", "note.txt"]);
    assert.equal(note.stdout, "kept\n");
  });

  test("a stopped agent comes back with `fleet message`, which starts it first", async () => {
    const sent = await sb.fleet(["message", "messaged", "wake up", "--json"]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal((JSON.parse(sent.stdout) as { started: boolean }).started, true);
    assert.equal((await states(sb)).messaged, "RUNNING");
    const types = (await events(sb, "messaged")).map((e) => e.type);
    assert.deepEqual(types.slice(-3), ["stopped", "started", "message"]);
  });

  test("the agent with idle shutdown disabled was never stopped", async () => {
    assert.deepEqual(await stopEvents(sb, "keep"), []);
  });
});
