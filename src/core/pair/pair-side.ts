/** One side of `fleet pair`: the user's checkout here, or the agent's work dir on its host. */
import type { Listing, Side } from "./pair-decide.ts";

/** done: made; changed: the target no longer held what was expected (nothing made); refused: unsafe target. */
export type WriteOutcome = "done" | "changed" | "refused";

export interface PairSide {
  readonly side: Side;
  /** How errors and messages name this side. */
  readonly label: string;
  /** Every regular file with its hash; `.git`, ignored files and symlinks left out. */
  list(): Promise<Listing>;
  /** A file's content, or undefined when it is gone or is no longer a regular file. */
  read(path: string): Promise<Buffer | undefined>;
  /**
   * Writes `content` at `path` (a temp file in the same dir, then moved into place)
   * only if the path still holds `expect` (undefined: absent).
   */
  write(
    path: string,
    content: Buffer,
    exec: boolean,
    expect: string | undefined,
  ): Promise<WriteOutcome>;
  /** Removes `path` only if it still holds `expect`. */
  remove(path: string, expect: string): Promise<WriteOutcome>;
}
