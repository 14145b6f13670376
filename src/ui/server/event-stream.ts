/**
 * GET /api/events: the page's one live connection, as server-sent events.
 * `agents` carries the whole list whenever it changes (the first one at once),
 * `notification` an event worth telling, and a comment every 15 s keeps proxies
 * and tunnels from closing an idle stream. A share link's page gets its own
 * agent only, and its stream is cut when the link is revoked or expires.
 */
import { streamSSE } from "hono/streaming";
import type { FeedSnapshot } from "./live-feed.ts";
import type { PageNotification } from "./page-events.ts";
import { mayReach, type Principal } from "./ui-auth.ts";
import type { UiContext, UiDeps } from "./ui-deps.ts";

const KEEPALIVE_MS = 15_000;

export function visibleSnapshot(snapshot: FeedSnapshot, principal: Principal): FeedSnapshot {
  if (principal.kind === "owner") return snapshot;
  return {
    ...snapshot,
    agents: snapshot.agents.filter((a) => mayReach(principal, a.host, a.name)),
    problems: [],
  };
}

export function eventStream(c: UiContext, deps: UiDeps): Response {
  const principal = c.get("principal");
  return streamSSE(c, async (stream) => {
    let closed = false;
    const queue: { event: string; data: string }[] = [];
    let wake: (() => void) | undefined;
    const push = (event: string, data: unknown): void => {
      queue.push({ event, data: JSON.stringify(data) });
      wake?.();
    };
    const end = (): void => {
      closed = true;
      wake?.();
    };
    const unsubscribeFeed = deps.feed.subscribe((snapshot) =>
      push("agents", visibleSnapshot(snapshot, principal)),
    );
    const unsubscribeEvents = deps.events.subscribe((n: PageNotification) => {
      if (mayReach(principal, n.host, n.agent)) push("notification", n);
    });
    const untrack =
      principal.kind === "share" ? deps.sessions.add(principal.share.id, end) : () => true;
    stream.onAbort(end);
    push("agents", visibleSnapshot(await deps.feed.current(), principal));
    const keepalive = setInterval(() => push("keepalive", {}), KEEPALIVE_MS);
    try {
      while (!closed) {
        const next = queue.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (next.event === "keepalive") await stream.write(": keepalive\n\n");
        else await stream.writeSSE(next);
      }
    } finally {
      clearInterval(keepalive);
      unsubscribeFeed();
      unsubscribeEvents();
      untrack();
    }
  });
}
