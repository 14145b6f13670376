/**
 * An agent whose process dies right after launch (`command: nosuchprogram`, a
 * crash on a bad flag) must fail the create, start or apply that launched it,
 * not be reported "created" and turn DONE a second later. The check rides the
 * launch script's round trip: it watches the agent's pane for up to the agent
 * type's exit window and, if the pane dies, prints its exit code and last lines.
 *
 * A healthy agent would cost the whole window, so the wait also ends once the
 * agent's own program is running (the launcher shell has a child that is not a
 * shell, read from /proc) and has stayed up for a short settle time. Where /proc
 * cannot tell, the whole window is waited.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";

/** Poll interval of the check, ms. */
const POLL_MS = 20;
/** How long the running program must stay up before the wait ends early, ms. */
export const SETTLE_MS = 20;
/** Lines of the agent's screen quoted in the error. */
export const OUTPUT_LINES = 20;

/** Shell lines that print `@@fleet:early-exit CODE` and `@@fleet:output` when the pane dies. */
export function earlyExitCheck(target: string, windowMs: number): string[] {
  if (windowMs <= 0) return [];
  const polls = Math.max(1, Math.ceil(windowMs / POLL_MS));
  const settle = Math.max(1, Math.ceil(SETTLE_MS / POLL_MS));
  const seconds = (POLL_MS / 1000).toFixed(3);
  // Screen lines are prefixed with `|` so no output can pose as a section marker.
  return [
    "fleet_w=0; fleet_up=0",
    `while [ $fleet_w -lt ${polls} ]; do`,
    `  fleet_st=$(tmux display-message -p -t ${q(target)} '#{pane_pid} #{pane_dead} #{pane_dead_status}' 2>/dev/null) || break`,
    // The status is empty while the pane lives: it comes last.
    "  set -- $fleet_st",
    '  if [ "$2" = 1 ]; then',
    "    printf '@@fleet:early-exit\\n%s\\n@@fleet:output\\n' \"${3:-unknown}\"",
    `    tmux capture-pane -p -J -t ${q(target)} -S -200 2>/dev/null | sed -e '/^[[:space:]]*$/d' -e '/^Pane is dead/d' -e 's/^/|/' | tail -n ${OUTPUT_LINES}`,
    "    break",
    "  fi",
    '  if [ $fleet_up -eq 0 ] && [ -r "/proc/$1/task/$1/children" ]; then',
    '    read -r fleet_self 2>/dev/null < "/proc/$1/comm"',
    '    for fleet_c in $(cat "/proc/$1/task/$1/children"); do',
    '      read -r fleet_cc 2>/dev/null < "/proc/$fleet_c/comm" && [ "$fleet_cc" != "$fleet_self" ] && fleet_up=$((fleet_w + 1))',
    "    done",
    "  fi",
    `  [ $fleet_up -gt 0 ] && [ $((fleet_w + 1 - fleet_up)) -ge ${settle} ] && break`,
    `  sleep ${seconds}; fleet_w=$((fleet_w + 1))`,
    "done",
  ];
}

/** The failure the check's output describes, or undefined when the agent stayed up. */
export function earlyExitError(
  parts: Map<string, string[]>,
  agent: { name: string; host: string; windowMs: number },
): FleetError | undefined {
  const exit = parts.get("early-exit");
  if (exit === undefined) return undefined;
  const code = Number(exit[0]);
  // The screen is the host's: no control characters reach the user's terminal.
  const output = (parts.get("output") ?? []).map((line) =>
    // eslint-disable-next-line no-control-regex
    line.replace(/^\|/, "").replace(/[\u0000-\u001f\u007f-\u009f]/g, ""),
  );
  const how = Number.isInteger(code) ? `exited with code ${code}` : "exited";
  const last =
    output.length === 0
      ? " It printed nothing."
      : `\nIts last output:\n${output.map((line) => `  ${line}`).join("\n")}`;
  return new FleetError(
    "AGENT_EXITED",
    `agent ${agent.name} on host ${agent.host} ${how} within ${agent.windowMs} ms of starting.${last}`,
    {
      hint:
        code === 127
          ? "its command was not found on the host: check `command:` and the host's PATH"
          : `fix its command; \`fleet transcript ${agent.name}\` shows its whole output`,
      details: {
        agent: agent.name,
        host: agent.host,
        ...(Number.isInteger(code) ? { exitCode: code } : {}),
        output,
      },
    },
  );
}
