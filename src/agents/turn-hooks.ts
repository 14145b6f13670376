/**
 * The hooks fleet installs in Claude Code and Codex (both take Claude's hook
 * format): the agent itself tells fleet, through files in its agent dir, when it
 * takes a prompt, works, asks for approval and ends a turn. Nothing is read off
 * the screen for these.
 * - `prompts`: a line is appended for every prompt it takes: a delivery is
 *   confirmed when the count grows (src/core/host/delivery.ts).
 * - `waiting`: present while it waits for the user; empty for input, `approval`
 *   while a tool call waits to be approved (src/core/host/probe.ts).
 * - `activity/agent`: touched whenever it works (docs/idle.md).
 */

/*
 * The hooks use the shell's own builtins, not `touch`: a hook runs with the agent's
 * PATH, where any `touch` may come first, and Claude Code cancels a hook after its
 * timeout. A redirection inside braces that fails is reported (to /dev/null) and
 * does not end the hook's shell, as it would on `:`.
 */

/** What a hook runs: the activity file's mtime is the signal (docs/idle.md). */
export const TOUCH_ACTIVITY = '{ true > "$FLEET_AGENT_DIR/activity/agent"; } 2>/dev/null || true';

/** Marks the agent as waiting for the user (keeping a reason already there). */
export const MARK_WAITING = '{ true >> "$FLEET_AGENT_DIR/waiting"; } 2>/dev/null || true';
/** The same mark, saying what it waits for (the mark's content is the reason). */
export const MARK_WAITING_FOR_APPROVAL =
  "{ printf 'approval\\n' > \"$FLEET_AGENT_DIR/waiting\"; } 2>/dev/null || true";
/** Clears the mark when work starts again. */
export const CLEAR_WAITING = 'rm -f "$FLEET_AGENT_DIR/waiting" 2>/dev/null || true';
/**
 * Claude's Notification: a mark for what it says, except for an approval prompt
 * (PermissionRequest marked that at once, and this comes ~6 s later, even after the
 * prompt was answered: it would mark a working agent as waiting for input).
 */
export const MARK_WAITING_UNLESS_APPROVAL = `grep -q permission_prompt 2>/dev/null || ${MARK_WAITING}`;
/** Counts a prompt the agent took: the proof a message was submitted. */
export const COUNT_PROMPT = '{ echo >> "$FLEET_AGENT_DIR/prompts"; } 2>/dev/null || true';

/** A shell line for the launcher: the agent is at its prompt, waiting for input, once ready. */
export const START_WAITING = '{ true > "$FLEET_AGENT_DIR/waiting"; } 2>/dev/null || true';

export type HookEvent =
  | "SessionStart"
  | "UserPromptSubmit"
  | "PreToolUse"
  | "PostToolUse"
  | "PermissionRequest"
  | "Stop"
  | "SubagentStop"
  | "Notification";

/** Events whose hooks take a tool-name matcher. */
const TOOL_EVENTS: ReadonlySet<HookEvent> = new Set([
  "PreToolUse",
  "PostToolUse",
  "PermissionRequest",
]);

/**
 * What each event does. A prompt taken is counted and starts work; a tool call
 * is work (and ends an approval); a finished turn is activity and leaves it
 * waiting for input; an approval asked for marks it waiting for approval.
 * Notification (Claude: it has waited a minute for input, or needs the user for
 * something else) means waiting but is not activity, and keeps a reason there.
 */
const ACTIONS: Record<HookEvent, readonly string[]> = {
  SessionStart: [TOUCH_ACTIVITY],
  // The mark goes before the count: a message queued behind this one must not see
  // the agent idle once this one is confirmed.
  UserPromptSubmit: [CLEAR_WAITING, COUNT_PROMPT, TOUCH_ACTIVITY],
  PreToolUse: [TOUCH_ACTIVITY, CLEAR_WAITING],
  PostToolUse: [TOUCH_ACTIVITY, CLEAR_WAITING],
  SubagentStop: [TOUCH_ACTIVITY, CLEAR_WAITING],
  PermissionRequest: [MARK_WAITING_FOR_APPROVAL],
  Stop: [TOUCH_ACTIVITY, MARK_WAITING],
  Notification: [MARK_WAITING_UNLESS_APPROVAL],
};

/** The commands a hook of `event` runs, as one shell line. */
export const hookCommand = (event: HookEvent): string => ACTIONS[event].join("; ");

/** Hook settings in Claude's format (`{hooks: {Event: [{matcher?, hooks: [...]}]}}`) for these events. */
export function turnHooks(events: readonly HookEvent[]): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const event of events) {
    const hook = { type: "command", command: hookCommand(event), timeout: 5 };
    hooks[event] = [TOOL_EVENTS.has(event) ? { matcher: "*", hooks: [hook] } : { hooks: [hook] }];
  }
  return { hooks };
}
