/**
 * The claude agent type's launch command writes a settings file whose hooks
 * touch the agent's activity file, and starts `claude --settings FILE`. The real
 * CLI cannot log in here, so a stand-in `claude` records how it was started and
 * the hooks are run the way Claude Code runs them (a shell command line).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import claude, { claudeHookSettings } from "../../../src/agents/claude.ts";
import {
  CLEAR_WAITING,
  COUNT_PROMPT,
  MARK_WAITING,
  MARK_WAITING_UNLESS_APPROVAL,
  TOUCH_ACTIVITY,
} from "../../../src/agents/turn-hooks.ts";
import type { AgentSpec } from "../../../src/core/model.ts";

const run = promisify(execFile);

const spec = (args: string[]): AgentSpec => ({
  name: "c",
  host: "local",
  agent: "claude",
  args,
  env: {},
  secrets: [],
  services: [],
  labels: {},
  idleTimeout: 900_000,
});

interface HookGroup {
  matcher?: string;
  hooks: { type: string; command: string; timeout?: number }[];
}

describe("claude hooks", () => {
  let dir: string;
  let agentDir: string;
  let bin: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fleet-claude-hooks-"));
    // A space and a quote in the path: the launcher and the hooks must quote it.
    agentDir = join(dir, "agents dir's", "c");
    bin = join(dir, "bin");
    await mkdir(join(agentDir, "activity"), { recursive: true });
    await mkdir(bin);
    await writeFile(
      join(bin, "claude"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "$FLEET_AGENT_DIR/argv"\n`,
    );
    await chmod(join(bin, "claude"), 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs the launch command as the launcher does: sh, with the agent's env. */
  const launch = (args: string[]) =>
    run("sh", ["-c", claude.launchCommand(spec(args), { workdir: dir, agentDir })], {
      env: { PATH: `${bin}:/usr/bin:/bin`, FLEET_AGENT_DIR: agentDir },
    });

  test("hooks touch the activity file and clear the waiting mark when Claude Code works", () => {
    const { hooks } = claudeHookSettings() as { hooks: Record<string, HookGroup[]> };
    const commandsOf = (event: string) =>
      (hooks[event] ?? []).flatMap((group) => group.hooks.map((h) => h.command));
    for (const event of ["PreToolUse", "PostToolUse", "SubagentStop"]) {
      assert.deepEqual(commandsOf(event), [`${TOUCH_ACTIVITY}; ${CLEAR_WAITING}`], event);
    }
    // A session starts at its prompt: activity, and the launcher's waiting mark stays.
    assert.deepEqual(commandsOf("SessionStart"), [TOUCH_ACTIVITY]);
    // A prompt taken ends the wait and is counted (the proof of a delivery).
    assert.deepEqual(commandsOf("UserPromptSubmit"), [
      `${CLEAR_WAITING}; ${COUNT_PROMPT}; ${TOUCH_ACTIVITY}`,
    ]);
    assert.equal(hooks.PreToolUse?.[0]?.matcher, "*");
    // A finished turn is activity, and now it waits for the user.
    assert.deepEqual(commandsOf("Stop"), [`${TOUCH_ACTIVITY}; ${MARK_WAITING}`]);
    // Notification (a minute of waiting) means waiting, not activity; not for a permission
    // prompt, which PermissionRequest marked at once and which may be answered by now.
    assert.deepEqual(commandsOf("Notification"), [MARK_WAITING_UNLESS_APPROVAL]);
  });

  test("Stop marks the agent waiting and the next prompt clears it", async () => {
    await launch([]);
    const settings = JSON.parse(await readFile(join(agentDir, "claude-settings.json"), "utf8")) as {
      hooks: Record<string, HookGroup[]>;
    };
    const hookEnv = { env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir } };
    const waitingFile = join(agentDir, "waiting");
    await run("bash", ["-c", settings.hooks.Stop?.[0]?.hooks[0]?.command ?? "false"], hookEnv);
    assert.ok((await stat(waitingFile)).isFile());
    await run(
      "bash",
      ["-c", settings.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command ?? "false"],
      hookEnv,
    );
    await assert.rejects(stat(waitingFile), /ENOENT/);
  });

  test("the launch marks it waiting for input; each prompt taken adds a line to prompts", async () => {
    await rm(join(agentDir, "waiting"), { force: true });
    await launch([]);
    assert.equal(await readFile(join(agentDir, "waiting"), "utf8"), "");
    const settings = JSON.parse(await readFile(join(agentDir, "claude-settings.json"), "utf8")) as {
      hooks: Record<string, HookGroup[]>;
    };
    const submit = settings.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command ?? "false";
    const hookEnv = { env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir } };
    await rm(join(agentDir, "prompts"), { force: true });
    await run("sh", ["-c", submit], hookEnv);
    await run("sh", ["-c", submit], hookEnv);
    assert.equal(await readFile(join(agentDir, "prompts"), "utf8"), "\n\n");
    await assert.rejects(stat(join(agentDir, "waiting")), /ENOENT/);
  });

  test("a restart continues its last conversation, unless the args pick a session", async () => {
    const settingsPath = join(agentDir, "claude-settings.json");
    const argvOf = async () =>
      (await readFile(join(agentDir, "argv"), "utf8")).split("\n").filter(Boolean);
    await launch([]);
    assert.deepEqual(await argvOf(), ["--settings", settingsPath], "no conversation yet");
    // Claude Code keeps a conversation as projects/<work dir, non-alphanumerics as ->/<id>.jsonl.
    const project = join(agentDir, "claude", "projects", dir.replace(/[^A-Za-z0-9]/g, "-"));
    await mkdir(project, { recursive: true });
    await writeFile(join(project, "0b7c4f1e-aaaa-4bbb-8ccc-123456789abc.jsonl"), "{}\n");
    await launch(["--model", "opus"]);
    assert.deepEqual(await argvOf(), ["--settings", settingsPath, "--continue", "--model", "opus"]);
    await launch(["--resume", "0b7c4f1e-aaaa-4bbb-8ccc-123456789abc"]);
    assert.deepEqual(await argvOf(), [
      "--settings",
      settingsPath,
      "--resume",
      "0b7c4f1e-aaaa-4bbb-8ccc-123456789abc",
    ]);
    await rm(join(agentDir, "claude", "projects"), { recursive: true });
  });

  test("the launch command writes the settings file and passes it with --settings", async () => {
    await launch(["--model", "opus", "it's a prompt"]);
    const settingsPath = join(agentDir, "claude-settings.json");
    const written = JSON.parse(await readFile(settingsPath, "utf8")) as unknown;
    assert.deepEqual(written, claudeHookSettings());
    const argv = (await readFile(join(agentDir, "argv"), "utf8")).split("\n").filter(Boolean);
    assert.deepEqual(argv, ["--settings", settingsPath, "--model", "opus", "it's a prompt"]);
  });

  test("Notification marks waiting after a minute idle, not for an approval prompt already answered", async () => {
    await launch([]);
    const settings = JSON.parse(await readFile(join(agentDir, "claude-settings.json"), "utf8")) as {
      hooks: Record<string, HookGroup[]>;
    };
    const command = settings.hooks.Notification?.[0]?.hooks[0]?.command ?? "false";
    const notify = (type: string) =>
      new Promise<void>((resolve, reject) => {
        const child = execFile(
          "sh",
          ["-c", command],
          { env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir } },
          (error) => (error ? reject(new Error(`the hook failed: ${error.message}`)) : resolve()),
        );
        child.stdin?.end(
          JSON.stringify({ hook_event_name: "Notification", notification_type: type }),
        );
      });
    const mark = join(agentDir, "waiting");
    await rm(mark, { force: true });
    await notify("permission_prompt");
    await assert.rejects(stat(mark), /ENOENT/, "the approved tool's agent is not made to wait");
    await notify("idle_prompt");
    assert.equal(await readFile(mark, "utf8"), "");
    await rm(mark);
  });

  test("PermissionRequest marks the agent waiting for an approval, at once", async () => {
    await launch([]);
    const settings = JSON.parse(await readFile(join(agentDir, "claude-settings.json"), "utf8")) as {
      hooks: Record<string, HookGroup[]>;
    };
    const command = settings.hooks.PermissionRequest?.[0]?.hooks[0]?.command ?? "false";
    await run("bash", ["-c", command], {
      env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir },
    });
    assert.equal(await readFile(join(agentDir, "waiting"), "utf8"), "approval\n");
    await rm(join(agentDir, "waiting"));
  });

  test("a hook from the written file moves the activity file's mtime", async () => {
    await launch([]);
    const settings = JSON.parse(await readFile(join(agentDir, "claude-settings.json"), "utf8")) as {
      hooks: Record<string, HookGroup[]>;
    };
    const command = settings.hooks.PostToolUse?.[0]?.hooks[0]?.command ?? "";
    const marker = join(agentDir, "activity", "agent");
    await rm(marker, { force: true });
    await run("bash", ["-c", command], {
      env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir },
    });
    const first = await stat(marker);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await run("bash", ["-c", command], {
      env: { PATH: "/usr/bin:/bin", FLEET_AGENT_DIR: agentDir },
    });
    assert.ok((await stat(marker)).mtimeMs > first.mtimeMs);
  });

  test("a hook outside fleet (no FLEET_AGENT_DIR) fails quietly, never blocking Claude", async () => {
    const { stdout, stderr } = await run("bash", ["-c", `${TOUCH_ACTIVITY}; echo ok`], {
      env: { PATH: "/usr/bin:/bin" },
    });
    assert.equal(stdout, "ok\n");
    assert.doesNotMatch(stderr, /touch/);
  });

  test("the user's own --settings is passed as given, without fleet's", async () => {
    const argvOf = async () =>
      (await readFile(join(agentDir, "argv"), "utf8")).split("\n").filter(Boolean);
    await launch(["--settings", "/etc/mine.json"]);
    assert.deepEqual(await argvOf(), ["--settings", "/etc/mine.json"]);
    await launch(["--settings=x.json"]);
    assert.deepEqual(await argvOf(), ["--settings=x.json"]);
    assert.equal(claude.reportsTurns?.(spec(["--settings=x.json"])), false);
    assert.equal(claude.reportsTurns?.(spec([])), true);
  });
});
