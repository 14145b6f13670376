/**
 * Typing a message into an agent: the text goes through the script's stdin into a
 * uniquely named tmux buffer (any length, any characters, never on a command line),
 * is pasted into the agent window and submitted with the agent type's keys.
 */
import { randomBytes } from "node:crypto";
import type { AgentType } from "../contracts/agent-type.ts";
import { shellQuote as q } from "../contracts/transport.ts";
import { windowTarget, type AgentPaths } from "./agent-record.ts";
import { eventLine } from "./events.ts";
import { AGENT_WINDOW } from "./probe.ts";

/**
 * Agents that understand bracketed paste tell a paste from typing by timing too;
 * an Enter arriving in the same burst can be taken as part of the paste.
 */
const SUBMIT_AFTER_PASTE_S = "0.2";

/** Shell lines that paste all of the script's remaining stdin into the agent window. */
export function deliveryCommands(options: {
  session: string;
  paths: AgentPaths;
  delivery: AgentType["delivery"];
  /** Characters, for the event: the text itself is not logged. */
  length: number;
}): string[] {
  const { session, paths, delivery } = options;
  const target = windowTarget(session, AGENT_WINDOW);
  const buffer = `fleet-msg-${randomBytes(6).toString("hex")}`;
  const paste = [
    ["load-buffer", "-b", buffer, "-"],
    ["paste-buffer", "-d", ...(delivery.bracketed ? ["-p"] : []), "-b", buffer, "-t", target],
  ];
  const submit =
    delivery.submitKeys.length > 0 ? [["send-keys", "-t", target, ...delivery.submitKeys]] : [];
  const tmux = (commands: string[][]): string =>
    `tmux ${commands.map((words) => words.map(q).join(" ")).join(" ';' ")}`;
  const lines =
    delivery.bracketed && submit.length > 0
      ? [`${tmux(paste)} || exit 76`, `sleep ${SUBMIT_AFTER_PASTE_S}`, `${tmux(submit)} || exit 76`]
      : [`${tmux([...paste, ...submit])} || exit 76`];
  return [
    ...lines,
    `touch ${q(`${paths.activity}/message`)}`,
    `printf '%s\\n' ${q(eventLine("message", { length: options.length }))} >> ${q(paths.events)}`,
  ];
}
