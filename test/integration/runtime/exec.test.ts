import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { shellJoin, type InteractiveCommand } from "../../../src/core/contracts/transport.ts";
import {
  attachCommand,
  createAgent,
  execCommand,
  stopAgent,
} from "../../../src/core/host/index.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { makeRuntime, type Runtime } from "./runtime-fixture.ts";

/** Runs an interactive command the way the CLI does, with pipes instead of a terminal. */
function run(command: InteractiveCommand, input = ""): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      env: { ...process.env, ...command.env },
      stdio: ["pipe", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(input);
  });
}

describe("exec and attach", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("exec");
    await createAgent(
      rt.h,
      rt.spec("box", {
        env: { GREETING: "hi there" },
        services: [{ name: "db", command: "exec sleep 600", port: "auto" }],
      }),
      { fleet: null, secrets: {} },
    );
  });
  after(async () => {
    await rt.cleanup();
  });

  test("execCommand passes the exit code through", async () => {
    const command = await execCommand(rt.h, "box", ["sh", "-c", "exit 7"], { tty: false });
    assert.equal((await run(command)).code, 7);
  });

  test("execCommand runs in the work dir with the agent's env and service ports", async () => {
    const live = await rt.live("box");
    const command = await execCommand(
      rt.h,
      "box",
      ["sh", "-c", 'printf "%s|%s|%s" "$PWD" "$GREETING" "$DB_PORT"'],
      {
        tty: false,
      },
    );
    const { stdout, code } = await run(command);
    assert.equal(code, 0);
    assert.equal(stdout, `${live?.workdir}|hi there|${live?.ports?.db}`);
  });

  test("execCommand passes stdin through", async () => {
    const command = await execCommand(rt.h, "box", ["tr", "a-z", "A-Z"], { tty: false });
    assert.equal((await run(command, "shout\n")).stdout, "SHOUT\n");
  });

  test("execCommand with nothing to run is a usage error", async () => {
    await assert.rejects(execCommand(rt.h, "box", [], { tty: false }), { code: "USAGE" });
  });

  test("attachCommand attaches to the agent window through tmux", async () => {
    const command = await attachCommand(rt.h, "box", { tty: true });
    const words = [command.command, ...command.args];
    assert.ok(words.some((word) => word.includes("tmux attach-session")));
    assert.ok(words.includes(`=${rt.sb.prefix}box:agent`));
    // The local transport replaces the caller's environment (TMUX included, so
    // attaching works from inside tmux too) with the host shell's.
    assert.deepEqual(words.slice(0, 2), ["env", "-i"]);
    assert.ok(!words.some((word) => word.startsWith("TMUX=")));
  });

  test("attaching shows the agent as attached and marks the activity", async () => {
    const command = await attachCommand(rt.h, "box", { tty: true });
    // `script` gives tmux the terminal it needs.
    const client = spawn(
      "script",
      ["-qfc", shellJoin([command.command, ...command.args]), "/dev/null"],
      {
        env: { ...process.env, ...command.env },
        stdio: "ignore",
      },
    );
    try {
      const live = await waitFor(async () => {
        const agent = await rt.live("box");
        return agent?.attached ? agent : undefined;
      });
      assert.ok((await stat(join(rt.sb.home, "agents", "box", "activity", "attach"))).isFile());
      assert.ok(live.lastActivity !== undefined && Date.now() - live.lastActivity < 5_000);
    } finally {
      await rt.tmux("detach-client", "-s", `=${rt.sb.prefix}box`);
      client.kill();
    }
  });

  test("attachCommand refuses a stopped agent", async () => {
    await createAgent(rt.h, rt.spec("off"), { fleet: null, secrets: {} });
    await stopAgent(rt.h, "off", { reason: "test" });
    await assert.rejects(attachCommand(rt.h, "off", { tty: true }), { code: "AGENT_NOT_RUNNING" });
  });
});
