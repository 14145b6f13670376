/**
 * What reconcile looks at: without a fleet file every agent by its recorded
 * timeout; with one, only that fleet's agents by the file's timeouts. And an
 * attached user keeps an agent from being idle.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { SILENT, fleetFile, states, until } from "./idle-helpers.ts";

describe("reconcile scope and timeouts", () => {
  let sb: Sandbox;
  let file: string;
  let t0: number;
  let client: ChildProcess | undefined;
  before(async () => {
    sb = await makeSandbox("reconcile-scope");
    const fleet = (longTimeout: string) => `version: 1
name: scoped
agents:
  long: { command: ${SILENT}, idleTimeout: ${longTimeout} }
  short: { command: ${SILENT}, idleTimeout: 2s }
  watched: { command: ${SILENT}, idleTimeout: 2s }
`;
    file = await fleetFile(sb, fleet("1h"));
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    const adhoc = await sb.fleet(["create", "adhoc", "--command", "sleep 600", "--no-connect"]);
    assert.equal(adhoc.code, 0, adhoc.stderr);
    t0 = Date.now();
    // The file changes after the apply: only a reconcile given the file sees 2s.
    await fleetFile(sb, fleet("2s"));
    // A user attached to `watched` through a real terminal (script gives tmux a pty).
    client = spawn(
      "script",
      ["-qfc", `tmux attach-session -t =${sb.prefix}watched:`, "/dev/null"],
      { env: { ...sb.env, TERM: "xterm" }, stdio: ["pipe", "ignore", "ignore"] },
    );
    await waitFor(async () => {
      const list = await sb.fleet(["list", "--json"]);
      const { agents } = JSON.parse(list.stdout) as {
        agents: { name: string; attached: boolean }[];
      };
      return agents.find((a) => a.name === "watched")?.attached === true;
    });
  });
  after(async () => {
    client?.kill("SIGKILL");
    await sb.cleanup();
  });

  test("without a fleet file, each agent is judged by its recorded timeout", async () => {
    await until(t0 + 3500);
    const result = await sb.fleet(["reconcile", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const { stopped, fleet } = JSON.parse(result.stdout) as {
      fleet: string | null;
      stopped: { name: string }[];
    };
    assert.equal(fleet, null);
    assert.deepEqual(
      stopped.map((s) => s.name),
      ["short"],
    );
    assert.deepEqual(await states(sb), {
      adhoc: "RUNNING",
      long: "RUNNING",
      short: "STOPPED",
      watched: "RUNNING",
    });
  });

  test("an attached agent is not idle, and says why", async () => {
    const result = await sb.fleet(["reconcile", "--dry-run"]);
    assert.match(result.stdout, /agents\.watched: a user is attached/);
  });

  test("with the fleet file, its timeouts apply and agents it does not own are left", async () => {
    const result = await sb.fleet(["reconcile", "-f", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /agents\.long will be stopped/);
    assert.match(result.stdout, /idle for \d+s \(timeout 2s\)/);
    assert.doesNotMatch(result.stdout, /agents\.adhoc/);
    const now = await states(sb);
    assert.equal(now.long, "STOPPED");
    assert.equal(now.adhoc, "RUNNING");
    assert.equal(now.watched, "RUNNING");
  });

  test("once the user detaches, the agent can go idle", async () => {
    client?.kill("SIGKILL");
    await waitFor(async () => {
      const list = await sb.fleet(["list", "--json"]);
      const { agents } = JSON.parse(list.stdout) as {
        agents: { name: string; attached: boolean }[];
      };
      return agents.find((a) => a.name === "watched")?.attached === false;
    });
    // Detaching redraws nothing in the pane; its last output is from the attach.
    await waitFor(
      async () => {
        await sb.fleet(["reconcile", "-f", file]);
        return (await states(sb)).watched === "STOPPED";
      },
      8000,
      500,
    );
  });
});
