/**
 * What each CLI agent type prepares before its CLI starts, run the way the
 * launcher runs it (sh, in the agent's env) with a stand-in binary: the per-agent
 * config files that pre-answer the first-run dialogs, the user's credentials
 * linked in, and the screens recognised as dialogs (captured from Claude Code
 * 2.1.332, Codex 0.171.0 and OpenCode 1.18.33).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import claude from "../../../src/agents/claude.ts";
import codex from "../../../src/agents/codex.ts";
import opencode from "../../../src/agents/opencode.ts";
import type { AgentType } from "../../../src/core/contracts/agent-type.ts";
import type { AgentSpec } from "../../../src/core/model.ts";

const run = promisify(execFile);

const spec = (agent: string, env: Record<string, string> = {}): AgentSpec => ({
  name: "p",
  host: "local",
  agent,
  args: ["--flag", "two words"],
  env,
  secrets: [],
  services: [],
  labels: {},
  idleTimeout: null,
});

describe("CLI agent types prepare their CLI per agent", () => {
  let dir: string;
  let agentDir: string;
  let home: string;
  let bin: string;
  // A quote and a space in the work dir: the config files must carry it exactly.
  let workdir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fleet-cli-prepare-"));
    agentDir = join(dir, "agent");
    home = join(dir, "home");
    bin = join(dir, "bin");
    workdir = join(dir, "it's work");
    for (const d of [agentDir, home, bin, workdir]) await mkdir(d, { recursive: true });
    for (const name of ["claude", "codex", "opencode"]) {
      // The stand-in records its argv and the env the real CLI reads.
      await writeFile(
        join(bin, name),
        `#!/bin/sh\n{ printf '%s\\n' "$@"; env | grep -E '^(CLAUDE|CODEX|OPENCODE|DISABLE)' | sort; } > "$FLEET_AGENT_DIR/${name}.out"\n`,
      );
      await chmod(join(bin, name), 0o755);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const launch = async (type: AgentType, s: AgentSpec, env: Record<string, string> = {}) => {
    await run("sh", ["-c", type.launchCommand(s, { workdir, agentDir })], {
      cwd: workdir,
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, FLEET_AGENT_DIR: agentDir, ...env },
    });
    return (await readFile(join(agentDir, `${type.name}.out`), "utf8")).split("\n");
  };

  test("claude: onboarding done, the work dir trusted, the API key approved, quiet env", async () => {
    const key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz-0123456789_AB";
    const out = await launch(claude, spec("claude"), { ANTHROPIC_API_KEY: key });
    assert.ok(out.includes(`CLAUDE_CONFIG_DIR=${agentDir}/claude`));
    for (const line of [
      "DISABLE_AUTOUPDATER=1",
      "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
      "DISABLE_TELEMETRY=1",
    ]) {
      assert.ok(out.includes(line), line);
    }
    assert.deepEqual(out.slice(2, 4), ["--flag", "two words"]);
    const state = JSON.parse(await readFile(join(agentDir, "claude", ".claude.json"), "utf8")) as {
      hasCompletedOnboarding: boolean;
      projects: Record<string, { hasTrustDialogAccepted: boolean }>;
      customApiKeyResponses: { approved: string[] };
    };
    assert.equal(state.hasCompletedOnboarding, true);
    assert.equal(state.projects[workdir]?.hasTrustDialogAccepted, true);
    assert.deepEqual(state.customApiKeyResponses.approved, [key.slice(-20)]);
  });

  test("claude: a key with characters outside a token is not spliced into the JSON", async () => {
    await launch(claude, spec("claude"), { ANTHROPIC_API_KEY: 'abc"],"x":["0123456789012' });
    const state = JSON.parse(await readFile(join(agentDir, "claude", ".claude.json"), "utf8")) as {
      customApiKeyResponses: { approved: string[] };
      x?: unknown;
    };
    assert.deepEqual(state.customApiKeyResponses.approved, []);
    assert.equal(state.x, undefined);
  });

  test("claude and codex link the user's own credentials file in, never copy it", async () => {
    await mkdir(join(home, ".claude"), { recursive: true });
    await mkdir(join(home, ".codex"), { recursive: true });
    await writeFile(join(home, ".claude", ".credentials.json"), "{}");
    await writeFile(join(home, ".codex", "auth.json"), "{}");
    await launch(claude, spec("claude"));
    await launch(codex, spec("codex"));
    assert.equal(
      await readlink(join(agentDir, "claude", ".credentials.json")),
      join(home, ".claude", ".credentials.json"),
    );
    assert.equal(
      await readlink(join(agentDir, "codex", "auth.json")),
      join(home, ".codex", "auth.json"),
    );
  });

  test("codex: its own CODEX_HOME trusting the work dir, no update check or paste burst, --no-daemon", async () => {
    const out = await launch(
      codex,
      spec("codex", { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "m-1" }),
    );
    assert.deepEqual(out.slice(0, 4), [
      "--no-daemon",
      "--dangerously-bypass-hook-trust",
      "--flag",
      "two words",
    ]);
    assert.ok(out.includes(`CODEX_HOME=${agentDir}/codex`));
    // Its hooks (Claude's format) report its turns: a prompt taken, an approval, a turn's end.
    const hooks = JSON.parse(await readFile(join(agentDir, "codex", "hooks.json"), "utf8")) as {
      hooks: Record<string, { hooks: { command: string }[] }[]>;
    };
    assert.deepEqual(Object.keys(hooks.hooks).sort(), [
      "PermissionRequest",
      "PostToolUse",
      "PreToolUse",
      "SessionStart",
      "Stop",
      "UserPromptSubmit",
    ]);
    assert.match(hooks.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command ?? "", /prompts/);
    assert.equal(
      await readFile(join(agentDir, "waiting"), "utf8"),
      "",
      "it starts waiting for input",
    );
    const config = await readFile(join(agentDir, "codex", "config.toml"), "utf8");
    for (const line of [
      `[projects.${JSON.stringify(workdir)}]\ntrust_level = "trusted"`,
      "check_for_update_on_startup = false",
      "disable_paste_burst = true",
      "[analytics]\nenabled = false",
      "[features]\nplugins = false\napps = false",
      'model = "m-1"',
      'model_provider = "fleet"',
      'base_url = "http://127.0.0.1:9/v1"',
      'env_key = "OPENAI_API_KEY"',
    ]) {
      assert.ok(config.includes(line), `config.toml has ${line}`);
    }
  });

  test("codex resumes its last session once it has one (`resume --last --all`), not before", async () => {
    const fresh = await launch(codex, spec("codex"));
    assert.ok(!fresh.includes("resume"), fresh.join(" "));
    const day = join(agentDir, "codex", "sessions", "2026", "12", "02");
    await mkdir(day, { recursive: true });
    await writeFile(join(day, "rollout-2026-12-02T10-00-00-0b7c4f1e.jsonl"), "{}\n");
    const again = await launch(codex, spec("codex"));
    // Every session in fleet's own CODEX_HOME is this agent's, whatever work dir it names.
    assert.deepEqual(again.slice(0, 7), [
      "--no-daemon",
      "--dangerously-bypass-hook-trust",
      "resume",
      "--last",
      "--all",
      "--flag",
      "two words",
    ]);
    await rm(join(agentDir, "codex", "sessions"), { recursive: true });
  });

  test("opencode continues its session once fleet has typed into it (`--continue`)", async () => {
    await rm(join(agentDir, "activity"), { recursive: true, force: true });
    const fresh = await launch(opencode, spec("opencode"));
    assert.ok(!fresh.includes("--continue"), fresh.join(" "));
    await mkdir(join(agentDir, "activity"), { recursive: true });
    await writeFile(join(agentDir, "activity", "message"), "");
    const again = await launch(opencode, spec("opencode"));
    assert.deepEqual(again.slice(0, 3), ["--continue", "--flag", "two words"]);
    const own = await launch(opencode, { ...spec("opencode"), args: ["--session", "ses_1"] });
    assert.deepEqual(own.slice(0, 2), ["--session", "ses_1"]);
    await rm(join(agentDir, "activity"), { recursive: true });
  });

  test("codex without OPENAI_BASE_URL keeps Codex's own provider", async () => {
    await launch(codex, spec("codex"));
    const config = await readFile(join(agentDir, "codex", "config.toml"), "utf8");
    assert.doesNotMatch(config, /model_provider|model_providers/);
  });

  test("opencode: its own config file with autoupdate and sharing off", async () => {
    const out = await launch(
      opencode,
      spec("opencode", { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "m-1" }),
    );
    assert.ok(out.includes(`OPENCODE_CONFIG=${agentDir}/opencode.json`));
    assert.ok(out.includes("OPENCODE_DISABLE_AUTOUPDATE=1"));
    assert.ok(out.includes("OPENCODE_DISABLE_SHARE=1"));
    const config = JSON.parse(await readFile(join(agentDir, "opencode.json"), "utf8")) as {
      autoupdate: boolean;
      share: string;
      model: string;
      provider: { fleet: { options: { baseURL: string } } };
    };
    assert.equal(config.autoupdate, false);
    assert.equal(config.share, "disabled");
    assert.equal(config.model, "fleet/m-1");
    assert.equal(config.provider.fleet.options.baseURL, "http://127.0.0.1:9/v1");
  });

  test("a config dir the spec brings itself is left alone", async () => {
    const mine = join(dir, "mine");
    const out = await launch(claude, spec("claude", { CLAUDE_CONFIG_DIR: mine }), {
      CLAUDE_CONFIG_DIR: mine,
    });
    assert.ok(out.includes(`CLAUDE_CONFIG_DIR=${mine}`));
    await assert.rejects(readFile(join(mine, ".claude.json")), /ENOENT/);
  });
});

describe("dialogs are recognised, the prompt is not", () => {
  const reason = (type: AgentType, screen: string) =>
    type.dialogs?.find((d) => d.pattern.test(screen))?.reason;

  test("claude: the ready screen of 2.1.332 is ready and no dialog", () => {
    const ready = [
      "▎ Auto mode is now Claude Code's default permission mode.",
      "─".repeat(60),
      "❯ ",
      "─".repeat(60),
      "  ⏵⏵ auto mode on (shift+tab to cycle) · ← for agents",
    ].join("\n");
    assert.ok(claude.readiness.pattern?.test(ready));
    assert.equal(reason(claude, ready), undefined);
  });

  test("claude: the trust dialog is a dialog, and its numbered ❯ is not a prompt", () => {
    const trust = [
      "─".repeat(60),
      " Do you trust the files in this folder?",
      "",
      " ❯ 1. Yes, proceed",
      "   2. No, exit",
    ].join("\n");
    assert.equal(reason(claude, trust), "folder trust dialog");
    assert.equal(claude.readiness.pattern?.test(trust), false);
    assert.equal(
      reason(claude, "Detected a custom API key in your environment"),
      "API key approval",
    );
  });

  test("codex: the ready composer of 0.171 is ready; trust and approval are dialogs", () => {
    assert.ok(codex.readiness.pattern?.test("› Ask Codex to do anything\n  ? for shortcuts"));
    assert.equal(
      reason(codex, "Do you trust the contents of this directory?"),
      "folder trust dialog",
    );
    assert.equal(reason(codex, "Would you like to run the following command?"), "approval");
  });

  test("opencode: the ready footer of 1.18 is ready; a permission request is a dialog", () => {
    assert.ok(opencode.readiness.pattern?.test("tab agents  ctrl+p commands"));
    assert.equal(reason(opencode, "△ Permission required"), "approval");
  });
});
