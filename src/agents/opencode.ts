/**
 * `opencode`: the OpenCode TUI (`npm i -g opencode-ai`). Ready when its prompt
 * footer with key hints is drawn; waiting when it asks for a permission.
 */
import { cliAgentType } from "./cli-agent.ts";

export default cliAgentType({
  name: "opencode",
  description: "OpenCode (the `opencode` CLI); `args` are passed to it",
  binary: "opencode",
  readyPattern: /enter send|ctrl\+p commands|ctrl\+x [a-z]|\/help/i,
  waitingPattern: /Permission required|allow (?:once|always)|\(y\/n\)/i,
});
