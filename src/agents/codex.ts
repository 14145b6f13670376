/**
 * `codex`: OpenAI's Codex CLI (`npm i -g @openai/codex`). Ready when its composer
 * shows (the `⏎ send` hint, or the start-up hint to describe a task); waiting
 * when it asks to approve a command or an edit.
 */
import { cliAgentType } from "./cli-agent.ts";

export default cliAgentType({
  name: "codex",
  description: "OpenAI Codex (the `codex` CLI); `args` are passed to it",
  binary: "codex",
  readyPattern: /⏎ send|describe a task|\? for shortcuts|context left/,
  waitingPattern:
    /Allow command\?|Would you like to (?:run|make|apply)|Yes, proceed|\[y\/N\]|approve/i,
});
