/**
 * The command that shows an agent's terminal in the dashboard: a tmux
 * control-mode client on the agent's session, run through its transport with
 * no terminal (tty: false), so it is the same for local, docker and ssh hosts
 * and needs no pty here. Watching is not activity (an agent someone only
 * watches still goes idle); typing is, through {@link markTerminalInput}.
 */
import type { InteractiveCommand } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { agentPaths, sessionTarget, windowTarget } from "./agent-record.ts";
import { openHost, type HostHandle } from "./handle.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { requireAgent } from "./read-agent.ts";

export interface TerminalCommand {
  /** Spawn this with piped stdio: it speaks tmux's control protocol on stdin and stdout. */
  command: InteractiveCommand;
  /** The agent window, as a tmux target for the commands sent to the client. */
  windowTarget: string;
}

export async function terminalCommand(h: HostHandle, name: string): Promise<TerminalCommand> {
  const agent = await requireAgent(h, name);
  if (!agent.sessionExists) {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${name} is ${agent.live.state.toLowerCase()}: there is no terminal to connect to`,
      { hint: `start it with \`fleet start ${name}\`` },
    );
  }
  // The session, not its window: attaching to a window would make it the
  // session's current one, which a watcher has no business changing.
  // ignore-size: a watcher's client never sizes the window (until the one in
  // control sets a size, see refresh-client -C in the hub).
  const script = 'unset TMUX; exec tmux -u -C attach-session -t "$1" -f ignore-size';
  return {
    command: agent.transport.interactive(["sh", "-c", script, "sh", sessionTarget(agent.session)], {
      tty: false,
    }),
    windowTarget: windowTarget(agent.session, AGENT_WINDOW),
  };
}

/** Marks typing in the dashboard's terminal as the agent's activity, as `fleet connect` does. */
export async function markTerminalInput(h: HostHandle, name: string): Promise<void> {
  const { transport } = await openHost(h);
  const marker = `${agentPaths(transport.fleetDir, name).activity}/terminal`;
  await transport.exec(["sh", "-c", 'touch "$1" 2>/dev/null; exit 0', "sh", marker]);
}
