/**
 * What `fleet gc` found: each thing fleet owns that nothing uses any more, and
 * whether it goes (`delete`) or stays (`keep`, with why: it holds work that
 * exists nowhere else). Deleting is each finder's own `remove`, which checks
 * again that what it deletes is what was shown.
 */
export type GcKind =
  | "worktree"
  | "branch"
  | "location-cache"
  | "ssh-socket"
  | "saved-work"
  | "container"
  | "snapshot-image";

export interface GcItem {
  kind: GcKind;
  /** What it is, for people: a path, `repo: fleet/NAME`, an image reference. */
  target: string;
  /** Why it is garbage, or why it is kept. */
  reason: string;
  action: "delete" | "keep";
  /** Deletes it; resolves to false when it changed since it was found (then it stays). */
  remove?: () => Promise<boolean>;
}

export const keep = (kind: GcKind, target: string, reason: string): GcItem => ({
  kind,
  target,
  reason,
  action: "keep",
});

export const drop = (
  kind: GcKind,
  target: string,
  reason: string,
  remove: () => Promise<boolean>,
): GcItem => ({ kind, target, reason, action: "delete", remove });
