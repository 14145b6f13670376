/**
 * `command`: any program, given as a shell command line (`command:`), with
 * `args` appended shell-quoted. Ready as soon as it runs; messages are typed in
 * as lines. What tests and examples use. New bus mail is not announced in its
 * terminal (a program is not a chat): it reads its mail through its endpoint.
 */
import { AGENT_TYPE_CONTRACT_VERSION, type AgentType } from "../core/contracts/agent-type.ts";
import { shellJoin } from "../core/contracts/transport.ts";
import { FleetError } from "../core/errors.ts";

const command: AgentType = {
  contractVersion: AGENT_TYPE_CONTRACT_VERSION,
  name: "command",
  description: "any program: `command:` is a shell command line, `args` are appended",
  requiresCommand: true,
  mailNotice: false,
  launchCommand(spec) {
    const line = spec.command?.trim() ?? "";
    if (line === "") {
      throw new FleetError(
        "COMMAND_REQUIRED",
        `agent ${spec.name}: agent type "command" needs a command`,
        {
          hint: 'set `command:` to the shell command line to run, e.g. command: "tail -F app.log"',
        },
      );
    }
    return spec.args.length > 0 ? `${line} ${shellJoin(spec.args)}` : line;
  },
  // Short, because create waits for it (less once the program is seen running).
  readiness: { timeoutMs: 0, exitWindowMs: 400 },
  delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
  transcript: { kind: "terminal" },
};

export default command;
