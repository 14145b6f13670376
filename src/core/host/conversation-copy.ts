/**
 * Copying an agent's conversation to a new agent (`fleet clone --conversation`,
 * `fleet migrate`): the `*.jsonl` files its CLI keeps for its work dir
 * (AgentType.conversationDir), read from the source's host and written into the
 * new agent's dir for the new work dir, which its CLI then resumes. Both hosts
 * are untrusted: the source lists its files and fleet reads each one by a name
 * it checked (plain, regular, no `..`, no links); only `*.jsonl` files are
 * copied, each written to a temp file and moved into place.
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { runScript } from "./handle.ts";

export interface ConversationFile {
  /** Relative to the conversation dir, `/`-separated. */
  path: string;
  data: Buffer;
}

/** At most this many files, of at most this many bytes in all, are copied. */
const MAX_FILES = 500;
const MAX_BYTES = 256 * 1024 * 1024;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** A relative path fleet will write: plain segments, at most 4 deep, ending in `.jsonl`. */
export function isConversationPath(path: string): boolean {
  const segments = path.split("/");
  return segments.length <= 4 && segments.every((s) => SEGMENT.test(s)) && path.endsWith(".jsonl");
}

/** The conversation files under `agentDir/dir` on the source's host (none when there is no such dir). */
export async function takeConversation(
  transport: Transport,
  agentDir: string,
  dir: string,
  agent: string,
): Promise<ConversationFile[]> {
  const root = `${agentDir}/${dir}`;
  const listed = await runScript(
    transport,
    `listing the conversation of agent ${agent}`,
    // -type f is false for a link; a dir that is a link is not entered (-P, the default).
    `cd ${q(root)} 2>/dev/null || exit 0\nfind . -type f -name '*.jsonl' | head -n ${MAX_FILES + 1}`,
  );
  const paths = listed.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^\.\//, ""));
  if (paths.length > MAX_FILES) throw tooBig(agent, `more than ${MAX_FILES} files`);
  const files: ConversationFile[] = [];
  let bytes = 0;
  for (const path of paths.filter(isConversationPath).sort()) {
    const read = await runScript(
      transport,
      `reading the conversation of agent ${agent}`,
      // Read only if it is still a regular file, and no component of its path a link.
      [
        `cd ${q(root)} || exit 1`,
        `p=${q(path)}; d=.`,
        'for s in $(printf "%s" "$p" | tr "/" " "); do d="$d/$s"; [ -L "$d" ] && exit 0; done',
        '[ -f "$p" ] || exit 0',
        "echo @@fleet:payload",
        'cat -- "$p"',
      ].join("\n"),
    );
    const marker = read.stdoutBytes.indexOf("@@fleet:payload\n");
    if (marker < 0) continue;
    const data = read.stdoutBytes.subarray(marker + "@@fleet:payload\n".length);
    bytes += data.length;
    if (bytes > MAX_BYTES) throw tooBig(agent, `more than ${MAX_BYTES / 1024 / 1024} MiB`);
    files.push({ path, data });
  }
  return files;
}

/** Writes the files under `agentDir/dir` on the new agent's host. */
export async function placeConversation(
  transport: Transport,
  agentDir: string,
  dir: string,
  files: readonly ConversationFile[],
  agent: string,
): Promise<void> {
  const root = `${agentDir}/${dir}`;
  for (const file of files) {
    if (!isConversationPath(file.path)) continue;
    const target = `${root}/${file.path}`;
    const parent = target.slice(0, target.lastIndexOf("/"));
    await runScript(
      transport,
      `copying the conversation into agent ${agent}`,
      [
        "umask 077",
        `mkdir -p ${q(parent)} || exit 1`,
        `cat > ${q(`${target}.fleet-tmp`)} && mv -f ${q(`${target}.fleet-tmp`)} ${q(target)} || exit 1`,
      ].join("\n"),
      { input: file.data },
    );
  }
}

function tooBig(agent: string, what: string): FleetError {
  return new FleetError("CONVERSATION_TOO_BIG", `agent ${agent}'s conversation has ${what}`, {
    hint: "clone it without --conversation",
  });
}
