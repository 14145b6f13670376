/**
 * Checks for what `fleet pair` reads from either side, above all from the host,
 * which is untrusted: a path it lists becomes a path written in the user's
 * checkout, so it must stay inside it. Pure: parsing and checking only.
 */
import { FleetError } from "../errors.ts";

/** Most files one side may hold; beyond it pairing stops with PAIR_TOO_MANY_FILES. */
export const MAX_FILES = 50_000;
/** Largest file pair carries (bytes); a bigger one stops pairing with PAIR_FILE_TOO_LARGE. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Temp files pair writes before moving them into place: never listed, never synced. */
export const TEMP_PREFIX = ".fleet-pair.";

/** Why a relative path cannot be synced, or undefined when it can. */
export function pathProblem(path: string): string | undefined {
  if (path === "") return "an empty path";
  if (path.length > 4096) return "a path longer than 4096 characters";
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\x00-\x1f\x7f]/.test(path)) return "a control character (NUL, newline...)";
  if (path.startsWith("/")) return "an absolute path";
  const parts = path.split("/");
  if (parts.some((part) => part === "")) return "an empty path component";
  if (parts.some((part) => part === "." || part === "..")) return "a `.` or `..` component";
  if (parts.some((part) => part.toLowerCase() === ".git")) return "a .git component";
  return undefined;
}

/** Paths pair leaves alone without complaint: its own temp files. */
export const isPairTemp = (path: string): boolean =>
  (path.split("/").at(-1) ?? "").startsWith(TEMP_PREFIX);

export const unsafePath = (side: string, path: string, problem: string): FleetError =>
  new FleetError(
    "PAIR_UNSAFE_PATH",
    `${side} listed a path pair will not touch (${problem}): ${JSON.stringify(path)}`,
    {
      fault: "system",
      hint: "nothing was written for it; pairing stopped because that side's listing cannot be trusted",
    },
  );

/** One entry of a stat listing: what tells whether a file changed since it was last hashed. */
export interface StatEntry {
  path: string;
  /** `size mtime ctime inode`: compared as a whole. */
  stamp: string;
  exec: boolean;
  size: number;
}

/**
 * Parses a host's `stat --printf '%f %s %.9Y %.9Z %i %n\0'` listing: regular files
 * only (symlinks, dirs and others are skipped), each path checked. Throws on a path
 * that is not safe, a malformed record, too many files or a file too large.
 */
export function parseStatListing(output: Buffer, side: string): Map<string, StatEntry> {
  const entries = new Map<string, StatEntry>();
  const text = output.toString("utf8");
  for (const record of text.split("\0")) {
    if (record === "") continue;
    const match =
      /^([0-9a-f]{1,8}) (\d{1,15}) (\d{1,12}(?:\.\d{1,9})?) (\d{1,12}(?:\.\d{1,9})?) (\d{1,20}) (.*)$/s.exec(
        record,
      );
    if (!match) throw malformed(side);
    const [, modeHex = "", size = "", mtime = "", ctime = "", inode = "", rawPath = ""] = match;
    const mode = Number.parseInt(modeHex, 16);
    // S_IFMT: only regular files are synced.
    if ((mode & 0o170000) !== 0o100000) continue;
    const path = rawPath.startsWith("./") ? rawPath.slice(2) : rawPath;
    if (isPairTemp(path)) continue;
    const problem = pathProblem(path);
    if (problem !== undefined) throw unsafePath(side, path, problem);
    const bytes = Number(size);
    checkSize(side, path, bytes);
    entries.set(path, {
      path,
      stamp: `${size} ${mtime} ${ctime} ${inode}`,
      exec: (mode & 0o111) !== 0,
      size: bytes,
    });
    if (entries.size > MAX_FILES) throw tooMany(side);
  }
  return entries;
}

/**
 * Parses `sha1sum -z` output for the paths asked: each line `HASH  PATH\0`. A path
 * not asked for, or a malformed hash, is refused.
 */
export function parseHashes(
  output: Buffer,
  asked: ReadonlySet<string>,
  side: string,
): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const record of output.toString("utf8").split("\0")) {
    if (record === "") continue;
    const match = /^([0-9a-f]{40}) [ *](.*)$/s.exec(record);
    if (!match) throw malformed(side);
    const [, hash = "", path = ""] = match;
    if (!asked.has(path)) throw unsafePath(side, path, "a path pair did not ask about");
    hashes.set(path, hash);
  }
  return hashes;
}

export function checkSize(side: string, path: string, bytes: number): void {
  if (bytes > MAX_FILE_BYTES) {
    throw new FleetError(
      "PAIR_FILE_TOO_LARGE",
      `${side} has ${JSON.stringify(path)} of ${bytes} bytes: pair carries files up to ${MAX_FILE_BYTES} bytes`,
      { hint: "ignore it in .gitignore, or move it with fleet push / fleet pull" },
    );
  }
}

export const tooMany = (side: string): FleetError =>
  new FleetError(
    "PAIR_TOO_MANY_FILES",
    `${side} holds more than ${MAX_FILES} files: too many to pair`,
    {
      hint: "ignore generated files (node_modules, build output) in .gitignore, or pair a smaller tree",
    },
  );

const malformed = (side: string): FleetError =>
  new FleetError("PAIR_BAD_LISTING", `${side} sent a file listing pair cannot read`, {
    fault: "system",
    hint: "the host needs GNU find, stat and sha1sum (coreutils)",
  });
