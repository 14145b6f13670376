/**
 * An agent whose process dies right after launch (`command: nosuchprogram`, a
 * crash on a bad flag) must fail the create, start or apply that launched it,
 * not be reported "created" and turn DONE a second later. The check rides the
 * launch script's round trip: it watches the agent's pane for up to the agent
 * type's exit window and, if the pane dies, prints its exit code and last lines.
 *
 * A healthy agent would cost the whole window, so the wait also ends once the
 * agent's own program is running (the launcher shell has a child that is not a
 * shell, or has become that program, read from /proc) and has stayed up for a short settle time. Where /proc
 * cannot tell, the whole window is waited.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";

/** Poll interval of the check, ms. */
const POLL_MS = 10;
/** How long tmux gets to learn a dead pane's status, ms. */
const STATUS_WAIT_MS = 625;
/** How long the running program must stay up before the wait ends early, ms. */
export const SETTLE_MS = 20;
/** Lines of the agent's screen quoted in the error. */
export const OUTPUT_LINES = 20;

/**
 * Shell lines that print `@@fleet:early-exit CODE` and `@@fleet:output` when the
 * agent's pane dies within `windowMs`. `pidVar` names a shell variable holding
 * the pane's pid (new-session prints it): the polls then read /proc with shell
 * builtins, and only `sleep` is spawned per poll; tmux is asked only once the
 * process is gone, or throughout where there is no /proc.
 */
export function earlyExitCheck(
  target: string,
  windowMs: number,
  pidVar: string,
  /** Where the launcher records the exit status, for when tmux loses it. */
  exitFile?: string,
): string[] {
  if (windowMs <= 0) return [];
  const polls = Math.max(1, Math.ceil(windowMs / POLL_MS));
  const settle = Math.max(1, Math.ceil(SETTLE_MS / POLL_MS));
  const seconds = (POLL_MS / 1000).toFixed(3);
  const statusPolls = Math.ceil(STATUS_WAIT_MS / POLL_MS);
  const pane = `tmux display-message -p -t ${q(target)} '#{pane_dead} s#{pane_dead_status} k#{pane_dead_signal}' 2>/dev/null`;
  // Screen lines are prefixed with `|` so no output can pose as a section marker.
  return [
    `fleet_pid=\${${pidVar}##*[!0-9]*}; fleet_w=0; fleet_up=0; fleet_gone=`,
    `[ -n "$fleet_pid" ] && [ -d "/proc/$fleet_pid" ] || fleet_pid=`,
    `while [ $fleet_w -lt ${polls} ]; do`,
    '  if [ -n "$fleet_pid" ]; then',
    // A process that exited is gone from /proc, or a zombie until tmux reaps it.
    '    fleet_stat=; read -r fleet_stat 2>/dev/null < "/proc/$fleet_pid/stat"',
    '    case ${fleet_stat##*) } in "" | Z*) fleet_gone=1; break ;; esac',
    "    if [ $fleet_up -eq 0 ]; then",
    '      read -r fleet_self 2>/dev/null < "/proc/$fleet_pid/comm"',
    // The launcher ends in `exec sh -c COMMAND`, which a shell may exec into the
    // program itself: the pane's own process is then no longer the launcher's.
    "      case $fleet_self in sh | env) ;; *) fleet_up=$((fleet_w + 1)) ;; esac",
    '      fleet_kids=; read -r fleet_kids 2>/dev/null < "/proc/$fleet_pid/task/$fleet_pid/children"',
    "      for fleet_c in $fleet_kids; do",
    '        read -r fleet_cc 2>/dev/null < "/proc/$fleet_c/comm" && [ "$fleet_cc" != "$fleet_self" ] && fleet_up=$((fleet_w + 1))',
    "      done",
    "    fi",
    `    [ $fleet_up -gt 0 ] && [ $((fleet_w + 1 - fleet_up)) -ge ${settle} ] && break`,
    "  else",
    `    set -- $(${pane}) || break`,
    '    [ "$1" = 1 ] && { fleet_gone=1; break; }',
    "  fi",
    `  sleep ${seconds}; fleet_w=$((fleet_w + 1))`,
    "done",
    // tmux marks the pane dead, and then learns its status, a moment after the exit.
    'if [ -n "$fleet_gone" ]; then',
    "  fleet_i=0",
    // The launcher's own record of the status ends the wait too: tmux can lose it.
    `  while set -- $(${pane}); { [ "$1" != 1 ] || { [ "$2$3" = sk ]${exitFile === undefined ? "" : ` && [ ! -s ${q(exitFile)} ]`}; }; } && [ $fleet_i -lt ${statusPolls} ]; do sleep ${seconds}; fleet_i=$((fleet_i + 1)); done`,
    '  if [ "$1" = 1 ]; then',
    // A process killed by signal N has no status: report 128+N, as a shell does.
    "    fleet_code=${2#s}; fleet_sig=${3#k}",
    ...(exitFile === undefined
      ? []
      : [
          `    [ -n "$fleet_code$fleet_sig" ] || { read -r fleet_code < ${q(exitFile)}; } 2>/dev/null`,
        ]),
    '    case $fleet_code in "" | *[!0-9]*) case $fleet_sig in "" | *[!0-9]*) fleet_code=unknown ;; *) fleet_code=$((128 + fleet_sig)) ;; esac ;; esac',
    `    printf '@@fleet:early-exit\\n%s\\n@@fleet:output\\n' "$fleet_code"`,
    `    tmux capture-pane -p -J -t ${q(target)} -S -200 2>/dev/null | sed -e '/^[[:space:]]*$/d' -e '/^Pane is dead/d' -e 's/^/|/' | tail -n ${OUTPUT_LINES}`,
    "  fi",
    "fi",
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
