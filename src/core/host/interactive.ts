/**
 * Commands the CLI runs with the user's terminal attached: connecting to an
 * agent's tmux session, and running a command in its work dir.
 */
import { shellQuote, type InteractiveCommand } from "../contracts/transport.ts";
import { cleanEnvWords } from "./agent-env.ts";
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

/** The exit code of an exec whose agent has no record on the host: nothing was run. */
export const EXEC_AGENT_ABSENT = 255;

/**
 * Runs argv in the agent's work dir with the base environment, its env and
 * service ports (not its secrets, not the caller's environment), stdin and exit code passed through. Costs no round trip: the script
 * itself checks the agent is there and exits EXEC_AGENT_ABSENT, running nothing,
 * when it is not, so a caller that guessed the host can tell and look properly.
 */
export async function execCommand(
  h: HostHandle,
  name: string,
  argv: string[],
  options: { tty: boolean },
): Promise<InteractiveCommand> {
  if (argv.length === 0)
    throw usageError("nothing to run", `usage: fleet exec ${name} -- COMMAND [ARGS...]`);
  const transport = await h.provider.transport(h.host, h.ctx);
  const paths = agentPaths(transport.fleetDir, name);
  // The command gets what a service gets: the base and the agent's env, from a
  // clean start, so neither the caller's environment nor the host shell's leaks in.
  const inClean = [
    'if [ -f "$1/env.sh" ]; then . "$1/env.sh"; fi',
    'cd "${FLEET_WORKDIR:-$1/work}" || exit 126',
    "shift",
    'exec "$@"',
  ].join("; ");
  const script = [
    `[ -f "$1/agent.json" ] || exit ${EXEC_AGENT_ABSENT}`,
    'touch "$1/activity/exec" 2>/dev/null',
    `exec ${cleanEnvWords()} sh -c ${shellQuote(inClean)} sh "$@"`,
  ].join("; ");
  return transport.interactive(["sh", "-c", script, "sh", paths.dir, ...argv], {
    tty: options.tty,
  });
}
