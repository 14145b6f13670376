/**
 * Polling a side cheaply: a listing of stat stamps every round, hashes only for
 * the files whose stamp moved since they were last hashed.
 */
import type { Listing } from "./pair-decide.ts";
import type { StatEntry } from "./pair-paths.ts";

export class HashCache {
  private known = new Map<string, { stamp: string; hash: string }>();

  /** The side's listing, hashing with `hash` what is new or changed. */
  async refresh(
    entries: ReadonlyMap<string, StatEntry>,
    hash: (paths: string[]) => Promise<Map<string, string>>,
  ): Promise<Listing> {
    const stale = [...entries.values()]
      .filter((entry) => this.known.get(entry.path)?.stamp !== entry.stamp)
      .map((entry) => entry.path);
    const fresh = stale.length > 0 ? await hash(stale) : new Map<string, string>();
    const next = new Map<string, { stamp: string; hash: string }>();
    const listing = new Map<string, { hash: string; exec: boolean }>();
    for (const entry of entries.values()) {
      const known = this.known.get(entry.path);
      const hashed =
        fresh.get(entry.path) ?? (known?.stamp === entry.stamp ? known.hash : undefined);
      // Gone between the listing and the hashing: absent this round.
      if (hashed === undefined) continue;
      next.set(entry.path, { stamp: entry.stamp, hash: hashed });
      listing.set(entry.path, { hash: hashed, exec: entry.exec });
    }
    this.known = next;
    return listing;
  }
}
