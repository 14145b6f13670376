/**
 * `codex`: OpenAI's Codex CLI (`npm i -g @openai/codex`). Each agent gets its own
 * `CODEX_HOME` (`<agent dir>/codex`) with a `config.toml` that trusts the work
 * dir, turns off the update check, paste-burst detection (which turns a fast
 * Enter after typed text into a newline), analytics, plugins and tooltips; it
 * runs with `--no-daemon` (otherwise Codex copies itself into CODEX_HOME and
 * leaves a daemon behind). The user's login (`~/.codex/auth.json`) is linked in.
 * Its `hooks.json` makes it report its own turns (src/agents/turn-hooks.ts), and
 * a restarted agent resumes its last session (`codex resume --last`).
 * With `OPENAI_BASE_URL` in the spec's env, a model provider `fleet` pointing
 * there is configured (key from `OPENAI_API_KEY`, model from `OPENAI_MODEL`).
 */
import type { LaunchContext } from "../core/contracts/agent-type.ts";
import type { AgentSpec } from "../core/model.ts";
import { codexRecords } from "./records/codex-records.ts";
import { cliAgentType, globMatches, linkCredentials, specEnv, writeFileLine } from "./cli-agent.ts";
import { approvalWatchLines } from "./screen-watch.ts";
import { START_WAITING, turnHooks, type HookEvent } from "./turn-hooks.ts";

/** Where the agent's CODEX_HOME is, as a shell word. */
export const CODEX_HOME = '"$FLEET_AGENT_DIR/codex"';

/** TOML basic strings take JSON's escapes for everything JSON.stringify emits. */
const toml = (value: string): string => JSON.stringify(value);

export function codexConfig(spec: AgentSpec, context: LaunchContext): string {
  const baseUrl = specEnv(spec, "OPENAI_BASE_URL");
  const model = specEnv(spec, "OPENAI_MODEL");
  const lines = [
    "# Written by fleet at each start: settings that skip Codex's first-run dialogs.",
    ...(model ? [`model = ${toml(model)}`] : []),
    ...(baseUrl ? ['model_provider = "fleet"'] : []),
    "check_for_update_on_startup = false",
    "disable_paste_burst = true",
    "",
    "[analytics]",
    "enabled = false",
    "",
    "[features]",
    "plugins = false",
    "apps = false",
    "",
    "[tui]",
    "show_tooltips = false",
    "",
    `[projects.${toml(context.workdir)}]`,
    'trust_level = "trusted"',
  ];
  if (baseUrl) {
    lines.push(
      "",
      "[model_providers.fleet]",
      'name = "fleet"',
      `base_url = ${toml(baseUrl)}`,
      'wire_api = "responses"',
      'env_key = "OPENAI_API_KEY"',
    );
  }
  if (context.bus) {
    // The agents' bus, as an MCP server Codex starts itself. Codex 0.171 offers its
    // tools in a namespace `mcp__fleet_bus` and asks the user before each call
    // ("Allow the fleet-bus MCP server to run tool ...?") unless approved here, as
    // Claude Code's `--allowedTools=mcp__fleet-bus` approves them there.
    lines.push(
      "",
      `[mcp_servers.${toml(context.bus.name)}]`,
      `command = ${toml(context.bus.command)}`,
      `args = [${context.bus.args.map(toml).join(", ")}]`,
      'default_tools_approval_mode = "approve"',
    );
  }
  return lines.join("\n");
}

/** What Codex asks when a command or an edit needs approval. */
const CODEX_APPROVAL_QUESTIONS = [
  "Would you like to run the following command",
  "Would you like to make the following edits",
  "Would you like to apply",
  "Allow command?",
];

/** fleet makes the agent's CODEX_HOME unless the spec names its own. */
const ownsCodexHome = (spec: AgentSpec): boolean => specEnv(spec, "CODEX_HOME") === undefined;

/**
 * Codex's hook events fleet listens to (`$CODEX_HOME/hooks.json`, in Claude's
 * format). Its SessionStart comes with the first prompt, not at launch: the
 * launcher marks it waiting for input itself. Stop fires for the user's thread
 * only, not for Codex's internal title thread.
 */
const CODEX_HOOK_EVENTS: readonly HookEvent[] = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PermissionRequest",
  "PostToolUse",
  "Stop",
];

export default cliAgentType({
  name: "codex",
  description: "OpenAI Codex (the `codex` CLI); `args` are passed to it",
  binary: "codex",
  // Its approval's first choice is "Yes, proceed"; Escape is "No, and tell Codex what to do
  // differently", which interrupts the turn ("Conversation interrupted").
  approvalKeys: { approve: ["Enter"], deny: ["Escape"], denyEndsTurn: true },
  records: codexRecords,
  // Codex keeps its sessions by date under CODEX_HOME, whatever the work dir.
  conversationDir: (spec) => (ownsCodexHome(spec) ? "codex/sessions" : undefined),
  // Its hooks are fleet's own, written at each start: trusted without the review dialog.
  fixedArgs: (spec) => [
    "--no-daemon",
    ...(ownsCodexHome(spec) ? ["--dangerously-bypass-hook-trust"] : []),
  ],
  reportsTurns: ownsCodexHome,
  resume: {
    when: () => globMatches('"$CODEX_HOME"/sessions/*/*/*/rollout-*.jsonl'),
    // In fleet's own CODEX_HOME every session is this agent's: the newest, whatever work dir it
    // names (a clone's or a renamed agent's came from another path). A shared one keeps Codex's
    // filter to sessions of this work dir.
    words: (spec) => (ownsCodexHome(spec) ? "resume --last --all" : "resume --last"),
    userFlags: ["resume", "fork", "exec", "--last"],
  },
  readyPattern: /⏎ send|describe a task|\? for shortcuts|context left|^› Ask Codex/m,
  waitingPattern:
    /Allow command\?|Would you like to (?:run|make|apply)|Yes, proceed|\[y\/N\]|approve/i,
  dialogs: [
    {
      pattern: /Do you trust the contents of this directory|trust this (?:folder|directory)/i,
      reason: "folder trust dialog",
    },
    { pattern: /Sign in with ChatGPT|Provide your own API key|Welcome to Codex/i, reason: "login" },
    { pattern: /Hooks need review/i, reason: "hooks review dialog" },
    { pattern: /Update available|update now/i, reason: "update dialog" },
    {
      pattern: /Would you like to run the following command/,
      reason: "approval",
      duringTurn: true,
    },
  ],
  prepare: (spec, context) => {
    if (!ownsCodexHome(spec)) return [];
    return [
      `export CODEX_HOME=${CODEX_HOME}`,
      'mkdir -p "$CODEX_HOME" || exit 71',
      writeFileLine('"$CODEX_HOME/config.toml"', codexConfig(spec, context)),
      writeFileLine('"$CODEX_HOME/hooks.json"', JSON.stringify(turnHooks(CODEX_HOOK_EVENTS))),
      START_WAITING,
      ...approvalWatchLines(CODEX_APPROVAL_QUESTIONS),
      linkCredentials('"$HOME/.codex/auth.json"', '"$CODEX_HOME/auth.json"'),
    ];
  },
});
