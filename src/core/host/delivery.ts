/**
 * Typing a message into an agent: the text goes through the script's stdin into a
 * uniquely named tmux buffer (any length, never on a command line), is pasted
 * into the agent window and submitted with the agent type's keys.
 *
 * The same script first makes sure the text can arrive whole, and afterwards
 * that it did: a pane in copy mode is taken out of it (in copy mode the submit
 * keys are read as copy-mode commands, so the message would sit unsent), a dead
 * pane or one stuck in another mode is reported, and a line too long for a
 * terminal in canonical mode (the kernel keeps 4095 bytes and drops the rest) is
 * refused before anything is typed. Raw-mode programs (claude, codex, shells
 * with line editing) read any length.
 */
import { randomBytes } from "node:crypto";
import type { AgentType } from "../contracts/agent-type.ts";
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { windowTarget, type AgentPaths } from "./agent-record.ts";
import { eventLine } from "./events.ts";
import {
  assertTypeable,
  CANONICAL_LINE_LIMIT,
  characterCount,
  longestLineBytes,
} from "../text/message-check.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { sections } from "./script-output.ts";
import { beforeTypingLines, confirmLines, queueLines, type TurnSignals } from "./delivery-turns.ts";

/**
 * Agents that understand bracketed paste tell a paste from typing by timing too;
 * an Enter arriving in the same burst can be taken as part of the paste. 50 ms
 * is the gap that Codex needs (AGENT-CLIS.md); an Enter lost anyway is pressed
 * again by the delivery proof (delivery-turns.ts).
 */
const SUBMIT_AFTER_PASTE_S = "0.05";

/** Exit status of a delivery script that typed nothing (or not all of it). */
export const NOT_DELIVERED_EXIT = 77;

/** `fleet message`'s exit code when the message was not delivered (docs/cli.md). */
export const NOT_DELIVERED_CLI_EXIT = 3;

/** What a delivery types: a message, or keys sent on purpose by name. */
export type DeliveryPayload = { kind: "text"; text: string } | { kind: "keys"; keys: string[] };

/** Shell lines that type the payload (text: all of the script's remaining stdin). */
export function deliveryCommands(options: {
  session: string;
  paths: AgentPaths;
  delivery: AgentType["delivery"];
  payload: DeliveryPayload;
  /** How the agent tells it is at its prompt and took a message (default: it does not). */
  signals?: TurnSignals;
  /** How long a text message may wait in the agent's queue. */
  waitSeconds?: number;
}): string[] {
  const { session, paths, delivery, payload } = options;
  const signals = options.signals ?? { kind: "none" };
  const target = windowTarget(session, AGENT_WINDOW);
  const tmux = (commands: string[][]): string =>
    `tmux ${commands.map((words) => words.map(q).join(" ")).join(" ';' ")}`;
  // Copy mode is left in the same tmux command list that types, so it cannot come back between.
  const leaveMode = [
    "if-shell",
    "-F",
    "-t",
    target,
    "#{pane_in_mode}",
    `send-keys -X -t ${q(target)} cancel`,
  ];
  const notDelivered = (reason: string): string =>
    `{ echo @@fleet:not-delivered; echo ${q(reason)}; exit ${NOT_DELIVERED_EXIT}; }`;

  const lines = [
    `fleet_pane=$(tmux display-message -p -t ${q(target)} '#{pane_dead} #{pane_tty}' 2>/dev/null) || ${notDelivered("its terminal is gone")}`,
    `case $fleet_pane in 1\\ *) ${notDelivered("its process has exited")};; esac`,
    `tmux ${leaveMode.map(q).join(" ")} 2>/dev/null`,
    `[ "$(tmux display-message -p -t ${q(target)} '#{pane_in_mode}')" = 0 ] || ${notDelivered("its pane is in a tmux mode that could not be left (choose-tree, a menu)")}`,
  ];

  let length = 0;
  if (payload.kind === "keys") {
    lines.push(`${tmux([leaveMode, ["send-keys", "-t", target, ...payload.keys]])} || exit 76`);
  } else {
    assertTypeable(payload.text, "the message");
    length = characterCount(payload.text);
    // Paste brackets (ESC[200~ ... ESC[201~) reach the line too when the program asked for them.
    const longest = longestLineBytes(payload.text) + (delivery.bracketed ? 12 : 0);
    if (longest > CANONICAL_LINE_LIMIT) {
      lines.push(
        `fleet_tty=\${fleet_pane#* }`,
        `fleet_mode=$(stty -F "$fleet_tty" -a 2>/dev/null) || ${notDelivered(`a line of ${longest} bytes needs a terminal in raw mode, and its terminal mode could not be read`)}`,
        `case $fleet_mode in *-icanon*) ;; *) echo @@fleet:canonical; echo ${longest}; exit ${NOT_DELIVERED_EXIT};; esac`,
      );
    }
    const buffer = `fleet-msg-${randomBytes(6).toString("hex")}`;
    const paste = [
      ["load-buffer", "-b", buffer, "-"],
      leaveMode,
      ["paste-buffer", "-d", ...(delivery.bracketed ? ["-p"] : []), "-b", buffer, "-t", target],
    ];
    const submit =
      delivery.submitKeys.length > 0
        ? [leaveMode, ["send-keys", "-t", target, ...delivery.submitKeys]]
        : [];
    lines.push(
      ...queueLines({
        paths,
        target,
        signals,
        waitSeconds: options.waitSeconds ?? 0,
        notDelivered,
        exitCode: NOT_DELIVERED_EXIT,
      }),
      ...beforeTypingLines(paths, signals),
    );
    if (delivery.bracketed && submit.length > 0) {
      lines.push(
        `${tmux(paste)} || exit 76`,
        `sleep ${SUBMIT_AFTER_PASTE_S}`,
        `${tmux(submit)} || exit 76`,
      );
    } else {
      lines.push(`${tmux([...paste, ...submit])} || exit 76`);
    }
    // paste-buffer -d deletes the buffer once pasted: still there means nothing was typed.
    lines.push(
      `if tmux show-buffer -b ${q(buffer)} >/dev/null 2>&1; then tmux delete-buffer -b ${q(buffer)}; ${notDelivered("tmux did not paste it")}; fi`,
    );
    if (submit.length > 0) {
      lines.push(
        ...confirmLines({
          paths,
          target,
          signals,
          submit: tmux(submit),
          notDelivered,
        }),
      );
    }
  }
  return [
    ...lines,
    `touch ${q(`${paths.activity}/message`)}`,
    `printf '%s\\n' ${q(eventLine("message", payload.kind === "keys" ? { keys: payload.keys } : { length }))} >> ${q(paths.events)}`,
    "echo @@fleet:delivered",
  ];
}

/** The stdin a delivery script reads its text from. */
export const deliveryInput = (payload: DeliveryPayload): string =>
  payload.kind === "text" ? payload.text : "";

/**
 * Reads what a delivery script said. Undefined when it delivered; otherwise the
 * error to report (nothing, or for the canonical-mode check nothing at all, was typed).
 */
export function deliveryFailure(
  name: string,
  stdout: string,
  code: number,
): FleetError | undefined {
  const parts = sections(stdout);
  if (parts.has("delivered") && code === 0) return undefined;
  if (parts.has("canonical")) {
    const bytes = parts.get("canonical")?.[0] ?? "?";
    return new FleetError(
      "MESSAGE_TOO_LONG_FOR_TERMINAL",
      `agent ${name} reads lines (its terminal is in canonical mode), which keep at most ${CANONICAL_LINE_LIMIT} bytes; the message has a line of ${bytes} bytes, so nothing was sent`,
      {
        hint: `break the message into lines shorter than ${CANONICAL_LINE_LIMIT} bytes, or pass long data as a file (\`fleet exec ${name} -- ...\`)`,
        details: { lineBytes: Number(bytes), limit: CANONICAL_LINE_LIMIT },
      },
    );
  }
  if (parts.has("busy")) {
    const ahead = Number(parts.get("busy")?.[0] ?? "0");
    const queued = ahead > 0 ? ` with ${ahead} message${ahead === 1 ? "" : "s"} ahead of it` : "";
    return new FleetError(
      "AGENT_BUSY",
      `agent ${name} was still working${queued} when the wait ran out; the message was not sent`,
      {
        hint: `\`fleet wait ${name}\` waits for its turn to end; or send again with a longer --timeout`,
        exitCode: NOT_DELIVERED_CLI_EXIT,
        details: { ahead },
      },
    );
  }
  if (parts.has("not-delivered")) {
    const reason = parts.get("not-delivered")?.[0] ?? "unknown";
    return new FleetError(
      "MESSAGE_NOT_DELIVERED",
      `the message to agent ${name} was not delivered: ${reason}`,
      {
        hint: `look at it with \`fleet connect ${name}\`, then send it again`,
        fault: "system",
        exitCode: NOT_DELIVERED_CLI_EXIT,
      },
    );
  }
  return undefined;
}
