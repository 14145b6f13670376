/**
 * The words of a notification. Names and reasons come from hosts (validated,
 * but untrusted), so every piece is made safe text first; each channel escapes
 * further for its own format (Slack's `<`, `>`, `&`; HTTP header bytes).
 */
import { safeText } from "../text/safe-text.ts";
import type { NotifyEvent } from "./events.ts";

export interface NotifyMessage {
  title: string;
  body: string;
  /** ntfy's 1..5; a waiting or failed agent wants someone now. */
  priority: number;
  /** Short tags (ntfy shows them as emoji where it knows them). */
  tags: string[];
}

const MAX_NOTE = 500;

export function messageOf(event: NotifyEvent): NotifyMessage {
  const name = safeText(event.agent.name);
  const where = `${name} on ${safeText(event.agent.host)}${
    event.agent.fleet === null ? "" : ` (fleet ${safeText(event.agent.fleet)})`
  }`;
  switch (event.type) {
    case "waiting": {
      const reason = safeText(event.waitingFor ?? "input");
      return {
        title: `${name} is waiting for ${reason}`,
        body: `Agent ${where} is waiting for ${reason}. Answer with: fleet connect ${name}`,
        priority: 4,
        tags: ["hourglass", "fleet"],
      };
    }
    case "finished":
      return {
        title: `${name} finished`,
        body: `Agent ${where} finished${event.exitCode === undefined ? "" : ` (exit code ${event.exitCode})`}. Its work: fleet pull ${name}`,
        priority: 3,
        tags: ["white_check_mark", "fleet"],
      };
    case "failed":
      return {
        title: `${name} failed`,
        body: `Agent ${where} failed: ${safeText(event.reason ?? "unknown")}. See: fleet logs ${name}`,
        priority: 4,
        tags: ["x", "fleet"],
      };
    case "stopped":
      return {
        title: `${name} was stopped`,
        body: `Agent ${where} was stopped by reconcile: ${safeText(event.reason ?? "idle")}. Its work dir is kept; fleet start ${name} resumes it.`,
        priority: 2,
        tags: ["stop_sign", "fleet"],
      };
    case "handoff": {
      const handoff = event.handoff ?? { from: "?", to: "?" };
      const note =
        handoff.note === undefined ? "" : ` Note: ${safeText(handoff.note.slice(0, MAX_NOTE))}`;
      return {
        title: `${name} handed to ${safeText(handoff.to)}`,
        body: `Agent ${where} was handed from ${safeText(handoff.from)} to ${safeText(handoff.to)}.${note}`,
        priority: 3,
        tags: ["handshake", "fleet"],
      };
    }
  }
}

/** The test message `fleet notify --test` sends through every configured channel. */
export const TEST_MESSAGE: NotifyMessage = {
  title: "fleet test notification",
  body: "This is a test from fleet notify --test: this channel works.",
  priority: 3,
  tags: ["test_tube", "fleet"],
};
