/**
 * The share links as the server sees them: read from FLEET_HOME/ui/shares at
 * most every `maxAgeMs` (a link revoked by `fleet share` in another process is
 * refused within that; one made there is looked up at once), and good only
 * while unexpired and while their agent is the very one they were made for (not
 * a later agent of its name).
 */
import type { FleetEnv } from "../../core/env.ts";
import {
  readShares,
  type ShareRecord,
  shareExpired,
  shareForToken,
} from "../../core/share/share-store.ts";

export class ShareCache {
  private readonly env: FleetEnv;
  private readonly maxAgeMs: number;
  private readonly createdAtOf: (host: string, name: string) => string | undefined;
  private records: ShareRecord[] = [];
  private readAt = 0;

  /** `createdAtOf` tells the agent's createdAt as last seen, undefined when not seen. */
  constructor(
    env: FleetEnv,
    createdAtOf: (host: string, name: string) => string | undefined,
    maxAgeMs = 500,
  ) {
    this.env = env;
    this.createdAtOf = createdAtOf;
    this.maxAgeMs = maxAgeMs;
  }

  /** The links good now. */
  good(now = Date.now()): ShareRecord[] {
    if (now - this.readAt > this.maxAgeMs) {
      this.records = readShares(this.env);
      this.readAt = now;
    }
    return this.records.filter((record) => {
      if (shareExpired(record, now)) return false;
      const createdAt = this.createdAtOf(record.host, record.name);
      return createdAt === undefined || createdAt === record.agentCreatedAt;
    });
  }

  /**
   * The good link of this token. A token not among the links last read is looked
   * up once more in the store: a link `fleet share` made a moment ago opens at
   * once, not only after the next read.
   */
  find(token: string): ShareRecord | undefined {
    const now = Date.now();
    const found = shareForToken(this.good(now), token);
    if (found !== undefined || this.readAt === now) return found;
    this.changed();
    return shareForToken(this.good(now), token);
  }

  changed(): void {
    this.readAt = 0;
  }
}
