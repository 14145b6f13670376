/**
 * `claude`: Anthropic's Claude Code CLI (`npm i -g @anthropic-ai/claude-code`).
 * Ready when its input box is drawn (the `❯` prompt under a rule, or the
 * `? for shortcuts` footer); waiting when it asks to approve an action.
 *
 * Each agent gets its own `CLAUDE_CONFIG_DIR` (`<agent dir>/claude`) whose
 * `.claude.json` pre-answers the first-run dialogs (onboarding, folder trust,
 * the custom API key), so the first message is never typed into one; the
 * user's login (`~/.claude/.credentials.json`) is linked in.
 *
 * Claude Code can think for minutes without printing, which tmux would take for
 * idleness; so fleet starts it with `--settings` naming a file whose hooks touch
 * the agent's activity file on every prompt, tool call and finished turn.
 */
import type { AgentType, LaunchContext, McpStdioServer } from "../core/contracts/agent-type.ts";
import { shellJoin, shellQuote } from "../core/contracts/transport.ts";
import type { AgentSpec } from "../core/model.ts";
import { claudeProjectDir, claudeRecords } from "./records/claude-records.ts";
import { cliAgentType, globMatches, linkCredentials, resumeLines, specEnv } from "./cli-agent.ts";
import { approvalWatchLines } from "./screen-watch.ts";
import { START_WAITING, turnHooks, type HookEvent } from "./turn-hooks.ts";

const base = cliAgentType({
  name: "claude",
  description: "Claude Code (the `claude` CLI); `args` are passed to it",
  binary: "claude",
  // The input prompt: `❯ ` (or `>`) right under a rule, not a numbered choice of a dialog.
  readyPattern: /\? for shortcuts|^\s*│\s*>\s|^\s*>\s*(?:Try "|$)|^─{8,}\s*\n\s*❯(?!\s*\d+\.)/m,
  waitingPattern: /Do you want to (?:proceed|make this edit|create|allow)|❯\s*1\.\s*Yes/,
  dialogs: [
    {
      pattern: /Do you trust the files in this folder|Is this a project you trust/i,
      reason: "folder trust dialog",
    },
    { pattern: /Detected a custom API key/i, reason: "API key approval" },
    {
      pattern: /Select login method|Choose the text style|Let's get started/i,
      reason: "onboarding / login",
    },
    { pattern: /Bypass Permissions mode/i, reason: "bypass-permissions warning" },
    {
      pattern: /Do you want to (?:proceed|make this edit|create|allow)/,
      reason: "approval",
      duringTurn: true,
    },
  ],
});

/** The agent's own Claude Code config dir, as a shell word. */
export const CLAUDE_CONFIG_DIR = '"$FLEET_AGENT_DIR/claude"';

/**
 * `$CLAUDE_CONFIG_DIR/.claude.json` with the answers to the first-run dialogs:
 * onboarding done, the work dir trusted, and the API key approved. Claude Code
 * stores an approved key as its last 20 characters; the key is a secret, known
 * only in the launcher, so the shell splices it in (when it is a plain token).
 */
export function claudeStateLines(workdir: string): string[] {
  const head = JSON.stringify({
    hasCompletedOnboarding: true,
    projects: { [workdir]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  }).slice(0, -1);
  const file = '"$CLAUDE_CONFIG_DIR/.claude.json"';
  return [
    `fleet_key=$(printf '%s' "\${ANTHROPIC_API_KEY:-}" | tail -c 20)`,
    "case $fleet_key in *[!A-Za-z0-9_-]*) fleet_key= ;; esac",
    `{ printf '%s' ${shellQuote(`${head},"customApiKeyResponses":{"rejected":[],"approved":[`)}`,
    '  if [ -n "$fleet_key" ]; then printf \'"%s"\' "$fleet_key"; fi',
    `  printf ']}}\\n'; } > ${file} || exit 71`,
    "unset fleet_key",
  ];
}

/** Env that keeps Claude Code from updating itself or calling home. */
const QUIET_ENV =
  "export DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1";

/** Shell lines that prepare the agent's config dir (none when the spec brings its own). */
export function claudePrepareLines(spec: AgentSpec, context: LaunchContext): string[] {
  if (specEnv(spec, "CLAUDE_CONFIG_DIR")) return [QUIET_ENV];
  return [
    QUIET_ENV,
    `export CLAUDE_CONFIG_DIR=${CLAUDE_CONFIG_DIR}`,
    'mkdir -p "$CLAUDE_CONFIG_DIR" || exit 71',
    ...claudeStateLines(context.workdir),
    linkCredentials('"$HOME/.claude/.credentials.json"', '"$CLAUDE_CONFIG_DIR/.credentials.json"'),
  ];
}

/** The agents' bus as Claude Code's MCP config (`--mcp-config`); its tools are allowed. */
const CLAUDE_MCP_FILE = '"$FLEET_AGENT_DIR"/claude-mcp.json';

/**
 * `alwaysLoad`: Claude Code 2.1 defers every MCP tool behind its ToolSearch tool
 * (the model is offered ToolSearch, not the tools, and must look one up before
 * calling it); with it the bus's five tools are offered as they are, so "call
 * get_messages" at the prompt is one call. Until the server has connected (about
 * a second after start, or more while the bus daemon starts), turns offer only
 * ToolSearch, which waits for a connecting server.
 */
function claudeMcpConfig(server: McpStdioServer): string {
  return JSON.stringify({
    mcpServers: {
      [server.name]: {
        type: "stdio",
        command: server.command,
        args: server.args,
        alwaysLoad: true,
      },
    },
  });
}

/** The file, in the agent's dir, that the launcher writes and `--settings` names. */
export const CLAUDE_SETTINGS_FILE = '"$FLEET_AGENT_DIR"/claude-settings.json';

/** Claude Code's hook events fleet listens to (src/agents/turn-hooks.ts says what each does). */
const CLAUDE_HOOK_EVENTS: readonly HookEvent[] = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PostToolUse",
  "SubagentStop",
  // Shown at once with the approval prompt (Notification comes seconds later).
  "PermissionRequest",
  "Stop",
  "Notification",
];

export const claudeHookSettings = (): { hooks: Record<string, unknown[]> } =>
  turnHooks(CLAUDE_HOOK_EVENTS);

/** True when the user passes their own `--settings` (then theirs is used, without fleet's hooks). */
const hasOwnSettings = (args: readonly string[]): boolean =>
  args.some((arg) => arg === "--settings" || arg.startsWith("--settings="));

/**
 * Resuming: its conversations live under its config dir, by work dir (every
 * character but letters and digits made `-`); `--continue` takes the newest.
 */
const CLAUDE_RESUME = {
  when: (context: LaunchContext) =>
    globMatches(
      `"$CLAUDE_CONFIG_DIR/projects/"${shellQuote(claudeProjectDir(context.workdir))}/*.jsonl`,
    ),
  words: "--continue",
  userFlags: ["--continue", "-c", "--resume", "-r", "--session-id", "--from-pr", "--teleport"],
};

/** What Claude Code asks when a tool call needs approval (its approval dialog). */
const CLAUDE_APPROVAL_QUESTIONS = [
  "Do you want to proceed",
  "Do you want to make this edit",
  "Do you want to create",
  "Do you want to allow",
];

/** True when the launch installs fleet's hooks (not with the user's own `--settings`). */
const installsHooks = (spec: AgentSpec): boolean => !hasOwnSettings(spec.args);

const claude: AgentType = {
  ...base,
  // Its approval dialog's first choice is "Yes"; Escape is "No, and tell Claude what to do
  // differently", which interrupts the turn ("Interrupted · What should Claude do instead?").
  approvalKeys: { approve: ["Enter"], deny: ["Escape"], denyEndsTurn: true },
  records: claudeRecords,
  // Claude Code keeps a work dir's conversations under its config dir, by the work dir's path.
  conversationDir: (spec, workdir) => {
    const project = claudeProjectDir(workdir);
    // A long path's dir name is cut and suffixed by Claude Code in a way fleet cannot foretell.
    if (specEnv(spec, "CLAUDE_CONFIG_DIR") !== undefined || project.length > 200) return undefined;
    return `claude/projects/${project}`;
  },
  reportsTurns: installsHooks,
  launchCommand(spec, context) {
    const resume = resumeLines(spec, context, CLAUDE_RESUME);
    const hooks = installsHooks(spec);
    const settings = JSON.stringify(claudeHookSettings());
    return [
      ...claudePrepareLines(spec, context),
      ...(hooks
        ? [
            `printf '%s\\n' ${shellQuote(settings)} > ${CLAUDE_SETTINGS_FILE} || exit 71`,
            START_WAITING,
            ...approvalWatchLines(CLAUDE_APPROVAL_QUESTIONS),
          ]
        : []),
      ...(resume ? [resume.test] : []),
      ...(context.bus
        ? [
            `printf '%s\\n' ${shellQuote(claudeMcpConfig(context.bus))} > ${CLAUDE_MCP_FILE} || exit 71`,
          ]
        : []),
      [
        "claude",
        ...(hooks ? [`--settings ${CLAUDE_SETTINGS_FILE}`] : []),
        // `=`: both options take several values, and would swallow the args after them.
        ...(context.bus
          ? [`--mcp-config=${CLAUDE_MCP_FILE}`, `--allowedTools=mcp__${context.bus.name}`]
          : []),
        ...(resume ? [resume.word] : []),
        ...(spec.args.length > 0 ? [shellJoin(spec.args)] : []),
      ].join(" "),
    ].join("\n");
  },
};

export default claude;
