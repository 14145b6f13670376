/**
 * What the CLI does on a terminal, run under `script` (a pseudo-terminal):
 * `connect` says how to detach before attaching, `create` attaches unless told
 * not to, `list --watch` redraws.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";

const skip = existsSync("/usr/bin/script")
  ? false
  : "needs script(1) from util-linux for a terminal";

describe("on a terminal", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("terminal");
    const created = await sb.fleet(["create", "tty-a", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => sb.cleanup());

  /** Runs `fleet ARGS` on a pseudo-terminal; returns the child and everything it printed so far. */
  const onTerminal = (args: string[]): { child: ChildProcess; output: () => string } => {
    // exec: script(1) runs the command with $SHELL or /bin/sh; a dash left waiting
    // would itself die of the Ctrl-C and report 130 whatever fleet did.
    const command = `exec ${[process.execPath, fleetBin, ...args].map((a) => `'${a}'`).join(" ")}`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: sb.dir,
      env: { ...sb.env, TERM: "xterm" },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    return { child, output: () => out };
  };
  const exit = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.on("close", resolve);
    });

  test("connect prints how to detach, then attaches", { skip }, async () => {
    const { child, output } = onTerminal(["connect", "tty-a"]);
    const exited = exit(child);
    try {
      await waitFor(() => Promise.resolve(output().includes("Detach with Ctrl-b d")), 20_000);
      assert.match(output(), /Attaching to tty-a@local/);
      // Attached: a client shows on the agent's session; detach it from outside.
      await waitFor(async () => {
        const clients = await sb.tmux(["list-clients", "-t", `${sb.prefix}tty-a`]);
        return clients.stdout.trim() !== "";
      }, 20_000);
      await sb.tmux(["detach-client", "-s", `${sb.prefix}tty-a`]);
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
    }
  });

  // Both ways: a plain create line takes a path of its own (src/cli/direct-create.ts);
  // a global flag before the command sends it through commander.
  for (const [way, before] of [
    ["on create's own path", []],
    ["through commander", ["--no-color"]],
  ] as const) {
    test(`create attaches to the new agent, ${way}`, { skip }, async () => {
      const name = `tty-${before.length}`;
      const { child, output } = onTerminal([...before, "create", name, "--command", "sleep 600"]);
      const exited = exit(child);
      try {
        await waitFor(async () => {
          const clients = await sb.tmux(["list-clients", "-t", `${sb.prefix}${name}`]);
          return clients.stdout.trim() !== "";
        }, 20_000);
        assert.match(output(), new RegExp(`Created agent ${name} on local`));
        await sb.tmux(["detach-client", "-s", `${sb.prefix}${name}`]);
        assert.equal(await exited, 0);
        assert.doesNotMatch(output(), /Connect with/);
      } finally {
        if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
      }
    });
  }

  test("list --watch redraws the table and stops on Ctrl-C", { skip }, async () => {
    const { child, output } = onTerminal(["ls", "--watch"]);
    const exited = exit(child);
    try {
      await waitFor(() => Promise.resolve(output().includes("tty-a")), 20_000);
      assert.ok(output().includes("\x1b[H\x1b[2J"), "the screen is cleared before drawing");
      assert.match(output(), /Ctrl-C to stop/);
      child.stdin?.write("\x03"); // Ctrl-C, through the terminal
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
    }
  });
});
