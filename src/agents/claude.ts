/**
 * `claude`: Anthropic's Claude Code CLI (`npm i -g @anthropic-ai/claude-code`).
 * Ready when its input box is drawn (the `>` prompt between rules, or the
 * `? for shortcuts` footer); waiting when it asks to approve an action.
 *
 * Claude Code can think for minutes without printing, which tmux would take for
 * idleness; so fleet starts it with `--settings` naming a file whose hooks touch
 * the agent's activity file on every prompt, tool call and finished turn.
 */
import type { AgentType } from "../core/contracts/agent-type.ts";
import { shellJoin, shellQuote } from "../core/contracts/transport.ts";
import { cliAgentType } from "./cli-agent.ts";

const base = cliAgentType({
  name: "claude",
  description: "Claude Code (the `claude` CLI); `args` are passed to it",
  binary: "claude",
  readyPattern: /\? for shortcuts|^\s*│\s*>\s|^\s*>\s*(?:Try "|$)/m,
  waitingPattern: /Do you want to (?:proceed|make this edit|create|allow)|❯\s*1\.\s*Yes/,
});

/** The file, in the agent's dir, that the launcher writes and `--settings` names. */
export const CLAUDE_SETTINGS_FILE = '"$FLEET_AGENT_DIR"/claude-settings.json';

/** What a hook runs: the activity file's mtime is the signal (docs/idle.md). */
export const TOUCH_ACTIVITY = 'touch "$FLEET_AGENT_DIR/activity/agent" 2>/dev/null || true';

/** Marks the agent as waiting for the user: discovery then reports WAITING. */
export const MARK_WAITING = 'touch "$FLEET_AGENT_DIR/waiting" 2>/dev/null || true';
/** Clears the mark when work starts again. */
export const CLEAR_WAITING = 'rm -f "$FLEET_AGENT_DIR/waiting" 2>/dev/null || true';

/**
 * Moments Claude Code is working: a prompt arrives, a tool starts or ends, a
 * subagent finishes, a session starts. A finished turn (Stop) is activity and
 * leaves it waiting for the user. Notification (it asks for permission, or has
 * waited a minute for input) means waiting but is not activity.
 */
const TOOL_EVENTS = ["PreToolUse", "PostToolUse"] as const;
const WORKING_EVENTS = ["SessionStart", "UserPromptSubmit", "SubagentStop"] as const;

export function claudeHookSettings(): { hooks: Record<string, unknown[]> } {
  const run = (...commands: string[]) => ({
    type: "command",
    command: commands.join("; "),
    timeout: 5,
  });
  const working = run(TOUCH_ACTIVITY, CLEAR_WAITING);
  const hooks: Record<string, unknown[]> = {};
  for (const event of WORKING_EVENTS) hooks[event] = [{ hooks: [working] }];
  for (const event of TOOL_EVENTS) hooks[event] = [{ matcher: "*", hooks: [working] }];
  hooks.Stop = [{ hooks: [run(TOUCH_ACTIVITY, MARK_WAITING)] }];
  hooks.Notification = [{ hooks: [run(MARK_WAITING)] }];
  return { hooks };
}

/** True when the user passes their own `--settings` (then theirs is used, without fleet's hooks). */
const hasOwnSettings = (args: readonly string[]): boolean =>
  args.some((arg) => arg === "--settings" || arg.startsWith("--settings="));

const claude: AgentType = {
  ...base,
  launchCommand(spec) {
    if (hasOwnSettings(spec.args)) return base.launchCommand(spec);
    const settings = JSON.stringify(claudeHookSettings());
    return [
      `printf '%s\\n' ${shellQuote(settings)} > ${CLAUDE_SETTINGS_FILE} &&`,
      `claude --settings ${CLAUDE_SETTINGS_FILE}`,
      ...(spec.args.length > 0 ? [shellJoin(spec.args)] : []),
    ].join(" ");
  },
};

export default claude;
