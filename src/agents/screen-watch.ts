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
import { shellQuote as q } from "../core/contracts/transport.ts";

const MARK = '"$FLEET_AGENT_DIR/waiting"';

/** How often it reads the screen: a state shown is up to this late (a capture costs ~3 ms). */
const POLL_S = "0.3";

const grepAny = (texts: readonly string[]): string =>
  `grep -qiF ${texts.map((text) => `-e ${q(text)}`).join(" ")}`;

/**
 * Shell lines for the launcher, before the CLI starts: the watcher runs in the
 * background while the launcher's shell (`$$`, the CLI's parent) lives.
 */
export function screenWatchLines(signals: ScreenSignals): string[] {
  const questions = signals.waiting.map(
    ({ text, reason }) =>
      `if printf '%s\\n' "$fleet_s" | grep -qiF -e ${q(text)}; then fleet_now=${q(reason)}; fi`,
  );
  const loop = [
    // Its own pane, found by its terminal: the launcher's environment has no TMUX_PANE.
    `fleet_pane=$(tmux list-panes -a -F '#{pane_tty} #{pane_id}' 2>/dev/null | while read -r fleet_t fleet_p; do [ "$fleet_t" = "$fleet_tty" ] && echo "$fleet_p"; done)`,
    '[ -n "$fleet_pane" ] || exit 0',
    `while sleep ${POLL_S} && kill -0 "$fleet_agent" 2>/dev/null; do`,
    '  fleet_s=$(tmux capture-pane -p -J -t "$fleet_pane" 2>/dev/null) || exit 0',
    "  fleet_now=input",
    `  if printf '%s\\n' "$fleet_s" | ${grepAny(signals.busy)}; then fleet_now=busy; fi`,
    ...questions.map((line) => `  ${line}`),
    "  case $fleet_now in",
    `    busy) rm -f ${MARK} ;;`,
    `    input) [ ! -s ${MARK} ] && [ -e ${MARK} ] || : > ${MARK} ;;`,
    `    *) [ "$(cat ${MARK} 2>/dev/null)" = "$fleet_now" ] || printf '%s\\n' "$fleet_now" > ${MARK} ;;`,
    "  esac",
    "done",
  ];
  return [
    "fleet_tty=$(tty 2>/dev/null) || fleet_tty=",
    `[ -z "$fleet_tty" ] || ( fleet_agent=$$; ${loop.join("\n")}\n) >/dev/null 2>&1 &`,
  ];
}
