/**
 * The two halves of a delivery that depend on the agent's own signals (see
 * src/agents/turn-hooks.ts), as host shell lines:
 * - before typing, the message takes a ticket in the agent's queue and waits
 *   until every message ahead of it is gone and the agent is back at its prompt
 *   (so a message sent while it works is queued, in order, never merged into its
 *   input or typed into an approval);
 * - after Enter, it waits for proof the agent took it: a new line in the agent's
 *   `prompts` file, or for agents without hooks the screen showing it works (or
 *   its records counting one more prompt). Enter is pressed again, never the
 *   text, while no proof comes; after a bounded time the message is reported
 *   not delivered.
 */
import { grepAnyText, shellQuote as q } from "../contracts/transport.ts";
import type { AgentPaths } from "./agent-record.ts";

/** What tells that the agent is back at its prompt, and that it took a message. */
export type TurnSignals =
  | { kind: "reported" }
  | {
      kind: "screen";
      busyMarks: readonly string[];
      waitingMarks: readonly string[];
      /** Prints how many prompts the agent took, from its records (may print nothing). */
      promptCount?: string;
      /** Prints `busy` while its records show a turn not yet answered. */
      turnState?: string;
    }
  | { kind: "none" };

/** Polls of 0.1 s after Enter before it is pressed again (3 more times at most). */
const RESUBMIT_EVERY = 20;
const RESUBMITS = 3;
/**
 * Polls of 0.1 s before giving up: an agent's own hook comes within a second when
 * all is well, a screen can take much longer to show it works (OpenCode on a busy
 * machine took over 10 s).
 */
const CONFIRM_POLLS = { reported: 200, screen: 450 } as const;

/** The shell test "the agent is back at its prompt". */
function idleTest(paths: AgentPaths, target: string, signals: TurnSignals): string {
  if (signals.kind === "reported")
    return `{ [ -e ${q(paths.waiting)} ] && [ ! -s ${q(paths.waiting)} ]; }`;
  // Read off the screen itself, not the watcher's mark, which can be a poll late.
  if (signals.kind === "screen") {
    const screen = `! ${screenHas(target, [...signals.busyMarks, ...signals.waitingMarks])}`;
    // Its records know a turn has begun before its screen shows it working.
    return signals.turnState === undefined
      ? screen
      : `{ ${screen} && [ "$(${signals.turnState})" != busy ]; }`;
  }
  return "true";
}

const screenHas = (target: string, marks: readonly string[]): string =>
  `tmux -u capture-pane -p -J -t ${q(target)} 2>/dev/null | ${grepAnyText(marks)}`;

export const queueDir = (paths: AgentPaths): string => `${paths.dir}/queue`;

/**
 * Takes a ticket (the next number, under the queue's flock; the file holds this
 * script's pid) and waits its turn. A ticket whose sender is gone is dropped.
 * Exits with `@@fleet:busy` and the count ahead when `waitSeconds` pass first.
 */
export function queueLines(options: {
  paths: AgentPaths;
  target: string;
  signals: TurnSignals;
  waitSeconds: number;
  notDelivered: (reason: string) => string;
  exitCode: number;
}): string[] {
  const { paths, target, signals, notDelivered } = options;
  const dir = q(queueDir(paths));
  return [
    // What the agent type's own commands (its records) read, as in its launch.
    `FLEET_AGENT_DIR=${q(paths.dir)}; export FLEET_AGENT_DIR`,
    `fleet_q=${dir}`,
    `mkdir -p "$fleet_q" || ${notDelivered("its message queue could not be made")}`,
    `fleet_me=$( { flock -w 30 9 || exit 1; fleet_n=0; if [ -f "$fleet_q/seq" ]; then read -r fleet_n < "$fleet_q/seq"; fi; case $fleet_n in ''|*[!0-9]*) fleet_n=0;; esac; fleet_n=$((fleet_n + 1)); echo "$fleet_n" > "$fleet_q/seq"; fleet_id=$(printf '%012d' "$fleet_n"); echo $$ > "$fleet_q/$fleet_id"; echo "$fleet_id"; } 9>>"$fleet_q/lock" ) || ${notDelivered("its message queue stayed locked")}`,
    `trap 'rm -f "$fleet_q/$fleet_me"' EXIT`,
    `fleet_end=$(( $(date +%s) + ${Math.max(0, Math.ceil(options.waitSeconds))} ))`,
    "while :; do",
    "  fleet_ahead=0",
    '  for fleet_f in "$fleet_q"/0*; do',
    '    [ -e "$fleet_f" ] || break',
    '    [ "${fleet_f##*/}" = "$fleet_me" ] && break',
    '    fleet_pid=; read -r fleet_pid < "$fleet_f" 2>/dev/null',
    '    if [ -n "$fleet_pid" ] && kill -0 "$fleet_pid" 2>/dev/null; then fleet_ahead=$((fleet_ahead + 1)); else rm -f "$fleet_f"; fi',
    "  done",
    `  if [ "$fleet_ahead" = 0 ] && ${idleTest(paths, target, signals)}; then break; fi`,
    `  case $(tmux display-message -p -t ${q(target)} '#{pane_dead}' 2>/dev/null || echo gone) in 0) ;; *) ${notDelivered("its process exited while the message waited")};; esac`,
    `  if [ "$(date +%s)" -ge "$fleet_end" ]; then echo @@fleet:busy; echo "$fleet_ahead"; exit ${options.exitCode}; fi`,
    "  sleep 0.2",
    "done",
  ];
}

/** Before typing: what the proof is measured against. */
export function beforeTypingLines(paths: AgentPaths, signals: TurnSignals): string[] {
  if (signals.kind === "screen" && signals.promptCount !== undefined) {
    return [`fleet_before=$(${signals.promptCount})`];
  }
  if (signals.kind !== "reported") return [];
  return [
    `fleet_before=0; if [ -f ${q(paths.prompts)} ]; then fleet_before=$(wc -l < ${q(paths.prompts)}); fi`,
  ];
}

/** After Enter: wait for the proof, pressing the submit keys again now and then. */
export function confirmLines(options: {
  paths: AgentPaths;
  target: string;
  signals: TurnSignals;
  submit: string;
  notDelivered: (reason: string) => string;
}): string[] {
  const { paths, target, signals, notDelivered } = options;
  if (signals.kind === "none") return [];
  const proof =
    signals.kind === "reported"
      ? `fleet_now=0; if [ -f ${q(paths.prompts)} ]; then fleet_now=$(wc -l < ${q(paths.prompts)}); fi; [ "$fleet_now" -gt "$fleet_before" ] && break`
      : screenProof(target, signals.busyMarks, signals.promptCount);
  const resubmitAt = Array.from({ length: RESUBMITS }, (_, i) => (i + 1) * RESUBMIT_EVERY);
  const giveUp = CONFIRM_POLLS[signals.kind];
  return [
    "fleet_poll=0",
    "while :; do",
    `  ${proof}`,
    "  fleet_poll=$((fleet_poll + 1))",
    `  case $fleet_poll in ${resubmitAt.join("|")}) ${options.submit} || true;; ${giveUp}) ${notDelivered(`it was typed, but the agent did not take it within ${giveUp / 10} s (Enter was pressed ${RESUBMITS + 1} times)`)};; esac`,
    "  sleep 0.1",
    "done",
  ];
}

/**
 * Screen proof: it shows it is working, or its records count one more prompt
 * (a fast turn can show it works for less than a poll). Whether the text left the
 * input box is no proof: OpenCode's first screen draws the box mid-screen, and a
 * lost Enter leaves the text there, where a later message would be appended to it.
 */
function screenProof(
  target: string,
  busyMarks: readonly string[],
  promptCount: string | undefined,
): string {
  const busy = `${screenHas(target, busyMarks)} && break`;
  if (promptCount === undefined) return busy;
  const counted = `fleet_now=$(${promptCount}); case $fleet_before$fleet_now in *[!0-9]*|'') ;; *) [ "$fleet_now" -gt "$fleet_before" ] && break;; esac`;
  return `${busy}; ${counted}`;
}
