/**
 * Two `fleet reconcile --every 1s` at once: the controller lock lets only one
 * act; the other says so, waits, and takes over when the first one ends.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { SILENT, fleetFile, states, stopEvents } from "./idle-helpers.ts";

interface Scheduler {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function startScheduler(sb: Sandbox): Scheduler {
  const child = spawn(process.execPath, [fleetBin, "reconcile", "--every", "1s", "--no-color"], {
    cwd: sb.dir,
    env: sb.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const scheduler: Scheduler = {
    child,
    stdout: "",
    stderr: "",
    exit: new Promise((resolve) => child.on("close", (code) => resolve(code))),
  };
  child.stdout.on("data", (chunk: Buffer) => (scheduler.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (scheduler.stderr += chunk.toString()));
  return scheduler;
}

const acted = (s: Scheduler): boolean => /Reconcile complete/.test(s.stdout);
const saidBusy = (s: Scheduler): boolean => /Another fleet reconcile is running/.test(s.stderr);

describe("two reconcile schedulers at once", () => {
  let sb: Sandbox;
  let schedulers: Scheduler[] = [];
  before(async () => {
    sb = await makeSandbox("reconcile-schedulers");
    const file = await fleetFile(
      sb,
      `version: 1
name: pair
agents:
  a: { command: ${SILENT}, idleTimeout: 2s }
  b: { command: ${SILENT}, idleTimeout: 2s }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    for (const s of schedulers) s.child.kill("SIGKILL");
    await sb.cleanup();
  });

  test("only one acts, each idle agent is stopped once, and the other says so", async () => {
    schedulers = [startScheduler(sb), startScheduler(sb)];
    await waitFor(async () => {
      const now = await states(sb);
      return now.a === "STOPPED" && now.b === "STOPPED";
    }, 15_000);
    // Another tick or two, in which a second actor would show itself.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const actors = schedulers.filter(acted);
    assert.equal(actors.length, 1, schedulers.map((s) => s.stdout + s.stderr).join("\n---\n"));
    const others = schedulers.filter((s) => !acted(s));
    assert.ok(others.every(saidBusy), others.map((s) => s.stderr).join("\n---\n"));
    assert.equal((await stopEvents(sb, "a")).length, 1);
    assert.equal((await stopEvents(sb, "b")).length, 1);
  });

  test("a one-shot reconcile meanwhile says another is running and exits 0", async () => {
    const result = await sb.fleet(["reconcile"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Another fleet reconcile is running \(pid \d+, every 1s/);
    assert.equal(result.stdout, "");
  });

  test("--dry-run needs no lock and runs while a scheduler holds it", async () => {
    const result = await sb.fleet(["reconcile", "--dry-run"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Nothing to stop/);
  });

  test("when the acting scheduler ends (SIGTERM, exit 0), the other takes over", async () => {
    const [actor] = schedulers.filter(acted);
    const [waiting] = schedulers.filter((s) => !acted(s));
    assert.ok(actor && waiting);
    actor.child.kill("SIGTERM");
    assert.equal(await actor.exit, 0);
    assert.equal((await sb.fleet(["start", "a"])).code, 0);
    await waitFor(async () => (await states(sb)).a === "STOPPED", 15_000);
    assert.match(waiting.stderr, /this one reconciles from now on/);
    assert.ok(acted(waiting), waiting.stdout);
    assert.equal((await stopEvents(sb, "a")).length, 2);
    waiting.child.kill("SIGTERM");
    assert.equal(await waiting.exit, 0);
  });
});
