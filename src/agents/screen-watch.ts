/**
 * For an agent CLI without hooks fleet can install (OpenCode: a plugin makes it
 * install packages at start-up, which hangs offline), the launcher starts a small
 * watcher beside it that reads its screen every 0.3 s and keeps the same
 * waiting mark the hooks keep for the others (src/agents/turn-hooks.ts):
 * `approval` (or another reason) while a question is on screen, none while it
 * works, empty when it is back at its prompt. So `fleet list`, `fleet wait` and
 * idle detection read one mark for every type; the controller never reads screens
 * for them. The watcher stops with the agent.
 */
import type { ScreenSignals } from "../core/contracts/agent-type.ts";
import { grepAnyText, shellQuote as q } from "../core/contracts/transport.ts";

const MARK = '"$FLEET_AGENT_DIR/waiting"';

/** How often it reads the screen: a state shown is up to this late (a capture costs ~3 ms). */
const POLL_S = "0.3";

/** Lines that find the watcher's own pane, by its terminal (the launcher's env has no TMUX_PANE). */
const FIND_PANE = [
  `fleet_pane=$(tmux list-panes -a -F '#{pane_tty} #{pane_id}' 2>/dev/null | while read -r fleet_t fleet_p; do [ "$fleet_t" = "$fleet_tty" ] && echo "$fleet_p"; done)`,
  '[ -n "$fleet_pane" ] || exit 0',
];

const CAPTURE = 'fleet_s=$(tmux capture-pane -p -J -t "$fleet_pane" 2>/dev/null) || exit 0';

/**
 * Shell lines for the launcher, before the CLI starts: `body` runs every poll in
 * the background while the launcher's shell (`$$`, the CLI's parent) lives.
 */
function watcherLines(body: readonly string[]): string[] {
  const loop = [
    ...FIND_PANE,
    `while sleep ${POLL_S} && kill -0 "$fleet_agent" 2>/dev/null; do`,
    ...body.map((line) => `  ${line}`),
    "done",
  ];
  return [
    "fleet_tty=$(tty 2>/dev/null) || fleet_tty=",
    `[ -z "$fleet_tty" ] || ( fleet_agent=$$; fleet_seen=; fleet_now=; ${loop.join("\n")}\n) >/dev/null 2>&1 &`,
  ];
}

/** The whole state, from the screen, for an agent without hooks. */
export function screenWatchLines(signals: ScreenSignals): string[] {
  const questions = signals.waiting.map(
    ({ text, reason }) =>
      `if printf '%s\\n' "$fleet_s" | ${grepAnyText([text])}; then fleet_now=${q(reason)}; fi`,
  );
  return watcherLines([
    CAPTURE,
    "fleet_was=$fleet_now; fleet_now=input",
    `if printf '%s\\n' "$fleet_s" | ${grepAnyText(signals.busy)}; then fleet_now=busy; fi`,
    ...questions,
    "case $fleet_now in",
    `  busy) rm -f ${MARK} ;;`,
    // Its prompt on two reads in a row: between an answered question and the screen
    // showing it works, one read can see neither.
    `  input) [ "$fleet_was" = input ] || continue; [ ! -s ${MARK} ] && [ -e ${MARK} ] || : > ${MARK} ;;`,
    `  *) [ "$(cat ${MARK} 2>/dev/null)" = "$fleet_now" ] || printf '%s\\n' "$fleet_now" > ${MARK} ;;`,
    "esac",
  ]);
}

/**
 * The end of an approval, for agents whose hooks mark it (claude, codex): no hook
 * fires when the user answers (PostToolUse comes only once the tool is done), so
 * while the mark says `approval` the watcher reads the screen, and once the
 * question it saw is gone, clears the mark: the agent works again. A question not
 * seen yet (the hook can come before it is drawn) is waited for. Nothing is read
 * while there is no approval mark.
 */
export function approvalWatchLines(questions: readonly string[]): string[] {
  return watcherLines([
    `fleet_m=; [ -s ${MARK} ] && read -r fleet_m < ${MARK}`,
    '[ "$fleet_m" = approval ] || { fleet_seen=; continue; }',
    CAPTURE,
    `if printf '%s\\n' "$fleet_s" | ${grepAnyText(questions)}; then fleet_seen=1; elif [ -n "$fleet_seen" ]; then rm -f ${MARK}; fleet_seen=; fi`,
  ]);
}
