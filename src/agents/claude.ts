/**
 * `claude`: Anthropic's Claude Code CLI (`npm i -g @anthropic-ai/claude-code`).
 * Ready when its input box is drawn (the `>` prompt between rules, or the
 * `? for shortcuts` footer); waiting when it asks to approve an action.
 */
import { cliAgentType } from "./cli-agent.ts";

export default cliAgentType({
  name: "claude",
  description: "Claude Code (the `claude` CLI); `args` are passed to it",
  binary: "claude",
  readyPattern: /\? for shortcuts|^\s*│\s*>\s|^\s*>\s*(?:Try "|$)/m,
  waitingPattern: /Do you want to (?:proceed|make this edit|create|allow)|❯\s*1\.\s*Yes/,
});
