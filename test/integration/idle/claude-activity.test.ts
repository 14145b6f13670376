/**
 * The claude type's hooks, end to end: a stand-in `claude` (the real CLI cannot
 * log in here) reads the `--settings` file fleet gives it and runs its hooks
 * the way Claude Code does while it works silently. Reconcile must see that
 * activity and leave it running, while a silent agent is stopped.
 */
import assert from "node:assert/strict";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { SILENT, fleetFile, states, until } from "./idle-helpers.ts";

/** Runs SessionStart, shows the prompt once, then "uses a tool" every second without printing. */
const FAKE_CLAUDE = `#!/usr/bin/env node
const { execFileSync } = require("node:child_process");
const { readFileSync, writeFileSync } = require("node:fs");
const args = process.argv.slice(2);
writeFileSync(process.env.FLEET_AGENT_DIR + "/fake-claude-args.json", JSON.stringify(args));
const settings = JSON.parse(readFileSync(args[args.indexOf("--settings") + 1], "utf8"));
const fire = (event) => {
  for (const group of settings.hooks[event] ?? [])
    for (const hook of group.hooks) execFileSync("bash", ["-c", hook.command], { stdio: "ignore" });
};
fire("SessionStart");
process.stdout.write("? for shortcuts\\n");
setInterval(() => { fire("PreToolUse"); fire("PostToolUse"); }, 1000);
`;

describe("claude hooks report activity", () => {
  let sb: Sandbox;
  let t0: number;
  before(async () => {
    sb = await makeSandbox("claude-activity");
    const bin = join(sb.dir, "fake-bin");
    await mkdir(bin);
    await writeFile(join(bin, "claude"), FAKE_CLAUDE);
    await chmod(join(bin, "claude"), 0o755);
    const path = [bin, dirname(process.execPath), "/usr/bin", "/bin"].join(":");
    const file = await fleetFile(
      sb,
      `version: 1
name: thinkers
agents:
  thinker: { agent: claude, args: [--model, opus], env: { PATH: ${JSON.stringify(path)} }, idleTimeout: 3s }
  silent: { command: ${SILENT}, idleTimeout: 3s }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    t0 = Date.now();
  });
  after(() => sb.cleanup());

  test("claude is started with --settings naming the hooks file, its args after", async () => {
    const argsFile = join(sb.home, "agents", "thinker", "fake-claude-args.json");
    const args = await waitFor(
      async () =>
        (JSON.parse(await readFile(argsFile, "utf8").catch(() => "null")) as string[] | null) ??
        undefined,
    );
    const settingsPath = join(sb.home, "agents", "thinker", "claude-settings.json");
    const mcpConfig = join(sb.home, "agents", "thinker", "claude-mcp.json");
    // Then the agents' bus as its MCP server, its tools allowed; then the spec's args.
    assert.deepEqual(args, [
      "--settings",
      settingsPath,
      `--mcp-config=${mcpConfig}`,
      "--allowedTools=mcp__fleet-bus",
      "--model",
      "opus",
    ]);
    await waitFor(
      async () =>
        (await stat(join(sb.home, "agents", "thinker", "activity", "agent")).catch(
          () => undefined,
        )) !== undefined,
    );
  });

  test("an agent whose hooks touch its activity file is not idle; a silent one is", async () => {
    await until(t0 + 4500);
    const result = await sb.fleet(["reconcile"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await states(sb), { silent: "STOPPED", thinker: "RUNNING" });
  });
});
