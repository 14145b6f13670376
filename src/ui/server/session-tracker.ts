/**
 * The live sessions a share link opened (its event stream, its terminal), so
 * that revoking or expiring the link cuts them: every second the links are read
 * again, and a session whose link is no longer good is closed.
 */
import type { ShareRecord } from "../../core/share/share-store.ts";

interface Session {
  shareId: string;
  close: () => void;
}

export class SessionTracker {
  private readonly sessions = new Set<Session>();
  private timer: NodeJS.Timeout | undefined;

  private readonly goodShares: () => readonly ShareRecord[];
  private readonly everyMs: number;

  /** `goodShares` is read each check: the links good now. */
  constructor(goodShares: () => readonly ShareRecord[], everyMs = 1000) {
    this.goodShares = goodShares;
    this.everyMs = everyMs;
  }

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const session of this.sessions) session.close();
    this.sessions.clear();
  }

  /** Tracks a session of the link `shareId`; the returned function stops tracking it. */
  add(shareId: string, close: () => void): () => void {
    const session = { shareId, close };
    this.sessions.add(session);
    return () => this.sessions.delete(session);
  }

  check(): void {
    if (this.sessions.size === 0) return;
    const good = new Set(this.goodShares().map((share) => share.id));
    for (const session of [...this.sessions]) {
      if (good.has(session.shareId)) continue;
      this.sessions.delete(session);
      session.close();
    }
  }
}
