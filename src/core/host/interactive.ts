/**
 * Commands the CLI runs with the user's terminal attached: connecting to an
 * agent's tmux session, and running a command in its work dir.
 */
import type { InteractiveCommand } from "../contracts/transport.ts";
import type { LiveAgent } from "../model.ts";
import { FleetError, usageError } from "../errors.ts";
import { agentPaths, windowTarget } from "./agent-record.ts";
import type { HostHandle } from "./handle.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { requireAgent } from "./read-agent.ts";

/** Attaches to the agent's window (a finished agent's last screen too); marks the attach as activity. */
export async function attachCommand(
  h: HostHandle,
  name: string,
  options: { tty: true } = { tty: true },
): Promise<InteractiveCommand> {
  const agent = await requireAgent(h, name);
  if (!agent.sessionExists) {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${name} is ${agent.live.state.toLowerCase()}: there is no terminal to connect to`,
      {
        hint: `start it with \`fleet start ${name}\``,
      },
    );
  }
  const paths = agentPaths(agent.transport.fleetDir, name);
  const script = 'touch "$1" 2>/dev/null; unset TMUX; exec tmux attach-session -t "$2"';
  return agent.transport.interactive(
    [
      "sh",
      "-c",
      script,
      "sh",
      `${paths.activity}/attach`,
      windowTarget(agent.session, AGENT_WINDOW),
    ],
    { tty: options.tty },
  );
}

/**
 * Runs argv in the agent's work dir with its env and service ports (not its
 * secrets), stdin and exit code passed through.
 */
export async function execCommand(
  h: HostHandle,
  name: string,
  argv: string[],
  options: { tty: boolean; known?: LiveAgent },
): Promise<InteractiveCommand> {
  if (argv.length === 0)
    throw usageError("nothing to run", `usage: fleet exec ${name} -- COMMAND [ARGS...]`);
  // An agent the caller just discovered needs no second read (a round trip on remote hosts).
  const agent =
    options.known?.workdir !== undefined
      ? {
          transport: await h.provider.transport(h.host, h.ctx),
          record: { workdir: options.known.workdir },
        }
      : await requireAgent(h, name);
  const paths = agentPaths(agent.transport.fleetDir, name);
  const script = [
    'touch "$1/activity/exec" 2>/dev/null',
    'if [ -f "$1/env.sh" ]; then . "$1/env.sh"; fi',
    'cd "$2" || exit 126',
    "shift 2",
    'exec "$@"',
  ].join("; ");
  return agent.transport.interactive(
    ["sh", "-c", script, "sh", paths.dir, agent.record.workdir, ...argv],
    {
      tty: options.tty,
    },
  );
}
