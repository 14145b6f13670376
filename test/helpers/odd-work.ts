/**
 * Uncommitted work of every awkward kind, made in an agent's work dir, and a
 * fingerprint of a work dir that differs if any byte, mode, name, staged or
 * unstaged change differs: for `fleet clone` and `fleet migrate`, whose copy
 * must be the same, byte for byte.
 */
import type { RunResult } from "./sandbox.ts";

/** The repo the agents start from: gitRepo(name, ODD_REPO_FILES). */
export const ODD_REPO_FILES: Record<string, string> = {
  "README.md": "# odd\n",
  "a.txt": "a1\n",
  "gone-staged.txt": "to be git rm'd\n",
  "gone-unstaged.txt": "to be rm'd\n",
  "tool.sh": "#!/bin/sh\necho tool\n",
  ".gitignore": "*.log\n",
};

/** Run in the source agent's work dir (sh -c): staged, unstaged, untracked, deleted, mode, binary, odd names. */
export const ODD_WORK_SCRIPT = [
  "set -e",
  "printf 'staged a\\n' > a.txt && git add a.txt && printf 'and unstaged on top\\n' >> a.txt",
  "printf 'only staged\\n' > new-staged.txt && git add new-staged.txt",
  "git rm -q gone-staged.txt",
  "rm gone-unstaged.txt",
  "chmod +x tool.sh",
  "printf '\\000\\001\\377binary\\r\\n\\000' > 'bin ary.dat'",
  "printf 'tab and newline\\n' > \"$(printf 'odd\\tname\\nwith newline')\"",
  "printf 'dash\\n' > ./--not-an-option",
  "printf '\\303\\274\\n' > 'ünï cödé.txt'",
  "mkdir -p 'dir with space/deeper' && printf 'deep\\n' > 'dir with space/deeper/f.txt'",
  "printf 'ignored\\n' > build.log",
].join("\n");

/**
 * Everything about the work dir, base64 so NULs and newlines survive: git's
 * status (staged and unstaged, untracked), the index (modes, blobs), every file's
 * executable bit and SHA-256, and the branch's commit.
 */
export const FINGERPRINT_SCRIPT = [
  'cd "$(git rev-parse --show-toplevel)"',
  "echo status $(git status --porcelain=v1 -z --untracked-files=all | base64 -w0)",
  "echo index $(git ls-files -s -z | base64 -w0)",
  // The executable bit is what git keeps of a mode; fleet's work dirs are 0700/0600 otherwise.
  "echo files $(find . -path ./.git -prune -o ! -name '*.log' -type f \\( -perm -u+x -printf 'x %P\\0' -o -printf '- %P\\0' \\) | sort -z | base64 -w0)",
  "echo sums $(find . -path ./.git -prune -o ! -name '*.log' -type f -print0 | sort -z | xargs -0 sha256sum | base64 -w0)",
  "echo head $(git rev-parse HEAD)",
].join("\n");

/** The lines of a fingerprint, by name. */
export function parseFingerprint(result: RunResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of result.stdout.trim().split("\n")) {
    const space = line.indexOf(" ");
    out[line.slice(0, space)] = line.slice(space + 1);
  }
  return out;
}

/** The bytes of the binary file the script writes, as `od` shows them. */
export const BINARY_BYTES = "000 001 377 142 151 156 141 162 171 015 012 000";

/** The status lines (NUL-separated in the fingerprint) that prove the odd work is all there. */
export const ODD_STATUS_ENTRIES = [
  "MM a.txt",
  "D  gone-staged.txt",
  " D gone-unstaged.txt",
  "A  new-staged.txt",
  " M tool.sh",
  "?? bin ary.dat",
  "?? odd\tname\nwith newline",
  "?? --not-an-option",
  "?? ünï cödé.txt",
  "?? dir with space/deeper/f.txt",
];

export function statusEntries(fingerprint: Record<string, string>): string[] {
  return Buffer.from(fingerprint.status ?? "", "base64")
    .toString("utf8")
    .split("\0")
    .filter((entry) => entry !== "")
    .sort();
}
