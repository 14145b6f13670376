/**
 * The agent's work dir as a pair side, through the host's Transport: one shell
 * script per listing, per hashing and per file read or written, with POSIX sh
 * and GNU coreutils/findutils only (nothing is installed on the host). What the
 * host prints is checked in pair-paths.ts before use; every path sent to it was
 * checked there too, and the host scripts refuse symlinks on the way to a file.
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { runScript } from "../host/handle.ts";
import { splitPayload } from "../host/script-output.ts";
import { HashCache } from "./hash-cache.ts";
import type { Listing } from "./pair-decide.ts";
import {
  MAX_FILE_BYTES,
  parseHashes,
  parseStatListing,
  pathProblem,
  TEMP_PREFIX,
  unsafePath,
} from "./pair-paths.ts";
import type { PairSide, WriteOutcome } from "./pair-side.ts";

/** Fails unless every component of "$1" (a relative path) is no symlink. */
const NO_LINKS = [
  "set -f",
  "fleet_nolinks() {",
  "  fleet_p=; fleet_ifs=$IFS; IFS=/; set -- $1; IFS=$fleet_ifs",
  '  for fleet_c in "$@"; do fleet_p=${fleet_p:+$fleet_p/}$fleet_c; [ -L "$fleet_p" ] && return 1; done',
  "  return 0",
  "}",
].join("\n");

/** The hash of "$1" into $cur: a SHA-1, absent, or other (not a regular file). */
const CURRENT = [
  "fleet_current() {",
  '  if [ ! -e "$1" ] && [ ! -L "$1" ]; then cur=absent',
  '  elif [ -L "$1" ] || [ ! -f "$1" ]; then cur=other',
  '  else cur=$(sha1sum < "$1") || exit 1; cur=${cur%% *}; fi',
  "}",
].join("\n");

export function agentSide(transport: Transport, workdir: string, agent: string): PairSide {
  const label = `agent ${agent}'s work dir`;
  const cache = new HashCache();
  const enter = `cd ${q(workdir)} 2>/dev/null || { echo "@@fleet:error the work dir ${workdir} is gone"; exit 1; }`;
  const checked = (path: string): string => {
    const problem = pathProblem(path);
    if (problem !== undefined) throw unsafePath("pair", path, problem);
    return q(path);
  };
  /** The marker a write or remove script ended with. */
  const outcome = (stdout: string): WriteOutcome => {
    if (/^@@fleet:done$/m.test(stdout)) return "done";
    if (/^@@fleet:refused$/m.test(stdout)) return "refused";
    return "changed";
  };

  async function listing(): Promise<Listing> {
    const listed = await runScript(
      transport,
      `listing ${label}`,
      [
        enter,
        "echo @@fleet:payload",
        "{ if [ -e .git ]; then git ls-files -z --cached --others --exclude-standard --deduplicate 2>/dev/null; else find . -name .git -prune -o -type f -print0; fi; } |",
        "  xargs -0 -r stat --printf '%f %s %.9Y %.9Z %i %n\\0' -- 2>/dev/null",
        "exit 0",
      ].join("\n"),
    );
    const entries = parseStatListing(
      splitPayload(listed.stdoutBytes).payload ?? Buffer.alloc(0),
      label,
    );
    return cache.refresh(entries, async (paths) => {
      const hashed = await runScript(
        transport,
        `hashing files of ${label}`,
        [enter, "echo @@fleet:payload", "xargs -0 -r sha1sum -z -- 2>/dev/null", "exit 0"].join(
          "\n",
        ),
        { input: paths.join("\0") + "\0" },
      );
      return parseHashes(
        splitPayload(hashed.stdoutBytes).payload ?? Buffer.alloc(0),
        new Set(paths),
        label,
      );
    });
  }

  return {
    side: "agent",
    label,
    list: listing,
    async read(path) {
      const f = checked(path);
      const read = await runScript(
        transport,
        `reading a file of ${label}`,
        [
          NO_LINKS,
          enter,
          `fleet_nolinks ${f} && [ -f ${f} ] || { echo @@fleet:gone; exit 0; }`,
          "echo @@fleet:payload",
          `exec head -c ${MAX_FILE_BYTES + 1} -- ${f}`,
        ].join("\n"),
      );
      const content = splitPayload(read.stdoutBytes).payload;
      if (content !== undefined && content.length > MAX_FILE_BYTES) return undefined;
      return content;
    },
    async write(path, content, exec, expect) {
      const f = checked(path);
      const written = await runScript(
        transport,
        `writing a file into ${label}`,
        [
          NO_LINKS,
          CURRENT,
          enter,
          `fleet_nolinks ${f} || { echo @@fleet:refused; exit 0; }`,
          `fleet_current ${f}`,
          '[ "$cur" = other ] && { echo @@fleet:refused; exit 0; }',
          `[ "$cur" = ${q(expect ?? "absent")} ] || { echo @@fleet:changed; exit 0; }`,
          `d=$(dirname -- ${f}) && mkdir -p -- "./$d" || exit 1`,
          `fleet_nolinks ${f} || { echo @@fleet:refused; exit 0; }`,
          `if [ "$cur" = absent ]; then mode=${exec ? "755" : "644"}; else mode=$(stat -c %a -- ${f}) || exit 1; fi`,
          `t=$(mktemp "./$d/${TEMP_PREFIX}XXXXXX") || exit 1`,
          `{ cat > "$t" && chmod "$mode" "$t" && mv -f -- "$t" ${f}; } || { rm -f -- "$t"; exit 1; }`,
          "echo @@fleet:done",
        ].join("\n"),
        { input: content },
      );
      return outcome(written.stdout);
    },
    async remove(path, expect) {
      const f = checked(path);
      const removed = await runScript(
        transport,
        `removing a file from ${label}`,
        [
          NO_LINKS,
          CURRENT,
          enter,
          `fleet_nolinks ${f} || { echo @@fleet:refused; exit 0; }`,
          `fleet_current ${f}`,
          '[ "$cur" = other ] && { echo @@fleet:refused; exit 0; }',
          `[ "$cur" = ${q(expect)} ] || { echo @@fleet:changed; exit 0; }`,
          `rm -f -- ${f} || exit 1`,
          "echo @@fleet:done",
        ].join("\n"),
      );
      return outcome(removed.stdout);
    },
  };
}
