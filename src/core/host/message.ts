/** Messages to a running agent, and waiting until it can take them. */
import type { AgentType } from "../contracts/agent-type.ts";
import type { AgentSpec } from "../model.ts";
import type { TurnSignals } from "./delivery-turns.ts";
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { getAgentType } from "../registry.ts";
import { agentPaths, windowTarget } from "./agent-record.ts";
import {
  deliveryCommands,
  deliveryFailure,
  deliveryInput,
  type DeliveryPayload,
} from "./delivery.ts";
import type { HostHandle } from "./handle.ts";
import { assertKeyNames, assertTypeable } from "../text/message-check.ts";
import { AGENT_WINDOW } from "./probe.ts";
import { requireAgent } from "./read-agent.ts";
import { sections } from "./script-output.ts";

const READY_POLL_MS = 50;

/**
 * Types a message (or, on purpose, named keys) into a running agent. The text is
 * checked before anything is typed (see message-check.ts), and the delivery
 * reports whether it arrived (see delivery.ts).
 */
export interface SendOptions {
  /** How long a message may wait while the agent works (default 10 minutes). */
  waitMs?: number;
  /** Told when the message has to wait for the agent's turn to end. */
  onWait?: (agent: string) => void;
}

/** How long a message waits for a working agent unless told otherwise. */
export const DEFAULT_MESSAGE_WAIT_MS = 10 * 60_000;

export async function sendMessage(
  h: HostHandle,
  name: string,
  message: string | DeliveryPayload,
  options: SendOptions = {},
): Promise<void> {
  const payload: DeliveryPayload =
    typeof message === "string" ? { kind: "text", text: message } : message;
  if (payload.kind === "text") assertTypeable(payload.text, "the message");
  else assertKeyNames(payload.keys);
  const agent = await requireAgent(h, name);
  if (agent.live.state === "DONE") {
    const code = agent.live.exitCode === undefined ? "" : ` with exit code ${agent.live.exitCode}`;
    throw new FleetError(
      "AGENT_EXITED",
      `agent ${name} has exited${code}: a message needs a running agent, so nothing was sent`,
      {
        hint: `see its last output with \`fleet transcript ${name}\`; \`fleet start ${name}\` runs it again`,
      },
    );
  }
  if (agent.live.state !== "RUNNING" && agent.live.state !== "WAITING") {
    throw new FleetError(
      "AGENT_NOT_RUNNING",
      `agent ${name} is ${agent.live.state.toLowerCase()}: a message needs a running agent`,
      { hint: `start it with \`fleet start ${name}\`` },
    );
  }
  const type = await getAgentType(agent.record.spec.agent);
  const startedAt = Date.parse(agent.record.startedAt ?? agent.record.createdAt);
  if (Date.now() - startedAt < type.readiness.timeoutMs) {
    await waitForReady(agent.transport, agent.session, type, name);
  }
  const signals = turnSignals(type, agent.record.spec);
  // Only an agent that reports its turns is known to be working (no waiting mark).
  if (payload.kind === "text" && signals.kind === "reported" && agent.live.state === "RUNNING")
    options.onWait?.(name);
  await deliver(agent.transport, agent.session, name, type, payload, {
    signals,
    waitMs: options.waitMs ?? DEFAULT_MESSAGE_WAIT_MS,
  });
}

/** What tells that this agent is at its prompt and took a message (delivery-turns.ts). */
export function turnSignals(type: AgentType, spec: AgentSpec): TurnSignals {
  if (type.reportsTurns?.(spec) === true) return { kind: "reported" };
  if (type.screenSignals && type.screenSignals.busy.length > 0) {
    const { busy, waiting, promptCount, turnState } = type.screenSignals;
    return {
      kind: "screen",
      busyMarks: busy,
      waitingMarks: waiting.map((w) => w.text),
      ...(promptCount ? { promptCount: promptCount(spec) } : {}),
      ...(turnState ? { turnState: turnState(spec) } : {}),
    };
  }
  return { kind: "none" };
}

/** Types the payload and submits it, or fails saying it was not delivered. One round trip. */
export async function deliver(
  transport: Transport,
  session: string,
  name: string,
  type: AgentType,
  message: string | DeliveryPayload,
  turns: { signals: TurnSignals; waitMs: number } = { signals: { kind: "none" }, waitMs: 0 },
): Promise<void> {
  const payload: DeliveryPayload =
    typeof message === "string" ? { kind: "text", text: message } : message;
  const paths = agentPaths(transport.fleetDir, name);
  const script = deliveryCommands({
    session,
    paths,
    delivery: type.delivery,
    payload,
    signals: turns.signals,
    waitSeconds: turns.waitMs / 1000,
  });
  // Text it took ends a wait for input (an empty mark; an approval mark stays): so
  // `fleet wait --state waiting` right after a message waits for this turn's end.
  const waitingMark = q(paths.waiting);
  // An agent that reports its turns clears it itself, and may already have ended the turn.
  const clear =
    payload.kind === "text" && turns.signals.kind !== "reported"
      ? [`[ -s ${waitingMark} ] || rm -f ${waitingMark} 2>/dev/null`]
      : [];
  const result = await transport.script([...script, ...clear].join("\n"), {
    input: deliveryInput(payload),
  });
  const failure = deliveryFailure(name, result.stdout, result.code);
  if (failure) throw failure;
  if (result.code !== 0) {
    const detail = result.stderr.trim() || `exit code ${result.code}`;
    throw new FleetError(
      "MESSAGE_NOT_DELIVERED",
      `the message to agent ${name} was not delivered: ${detail}`,
      { fault: "system", details: { exitCode: result.code } },
    );
  }
}

/**
 * A dialog blocks the agent before its prompt: it is never typed into. The agent
 * is marked WAITING (the reason is the mark's content) and the message refused.
 */
async function reportDialog(
  transport: Transport,
  session: string,
  name: string,
  reason: string,
): Promise<never> {
  const paths = agentPaths(transport.fleetDir, name);
  await transport.script(`printf '%s\\n' ${q(reason)} > ${q(paths.waiting)} 2>/dev/null; exit 0`);
  throw new FleetError(
    "AGENT_BLOCKED",
    `agent ${name} is waiting at a dialog (${reason}); the message was not sent`,
    {
      hint: `answer it with \`fleet connect ${name}\` (session ${session}), then \`fleet message ${name}\``,
    },
  );
}

/**
 * Resolves once the agent window shows the type's readiness pattern (at once
 * for types without one). Fails if the agent exits or the timeout passes.
 */
export async function waitForReady(
  transport: Transport,
  session: string,
  type: AgentType,
  name: string,
): Promise<void> {
  const pattern = type.readiness.pattern;
  if (!pattern) return;
  const target = q(windowTarget(session, AGENT_WINDOW));
  const script = [
    "echo @@fleet:dead",
    `tmux -u display-message -p -t ${target} '#{pane_dead}' 2>/dev/null || echo gone`,
    "echo @@fleet:screen",
    `tmux -u capture-pane -p -J -t ${target} 2>/dev/null`,
    "exit 0",
  ].join("\n");
  const deadline = Date.now() + type.readiness.timeoutMs;
  for (;;) {
    const result = await transport.script(script);
    const parts = sections(result.stdout);
    const dead = parts.get("dead")?.[0];
    if (dead === "1" || dead === "gone") {
      throw new FleetError(
        "AGENT_EXITED",
        `agent ${name} exited before it was ready for a message`,
        {
          hint: `see what it printed with \`fleet transcript ${name}\``,
        },
      );
    }
    const screen = (parts.get("screen") ?? []).join("\n");
    if (pattern.test(screen)) return;
    const dialog = type.dialogs?.find((candidate) => candidate.pattern.test(screen));
    // A question of a turn is no start-up dialog: the message waits in the queue.
    if (dialog?.duringTurn) return;
    if (dialog) await reportDialog(transport, session, name, dialog.reason);
    if (Date.now() > deadline) {
      throw new FleetError(
        "AGENT_NOT_READY",
        `agent ${name} did not show its prompt within ${Math.round(type.readiness.timeoutMs / 1000)} s; the message was not sent`,
        {
          hint: `look at it with \`fleet connect ${name}\` (it may want a login or a confirmation), then \`fleet message ${name}\``,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}
