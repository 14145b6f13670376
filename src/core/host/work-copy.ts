/**
 * Copying an agent's work to a new work dir, for `fleet clone` and `fleet
 * migrate`, without touching the source. In a git work dir the state is taken
 * as two commits on top of HEAD, made with a temporary index: the index as it
 * is (what is staged), then every file as it is on disk (unstaged changes,
 * untracked files, deletions, modes). They travel as a git bundle through this
 * machine's repo, and the new work dir is set to them with read-tree, so its
 * files, its index and its untracked files are those of the source, byte for
 * byte. Ignored files stay behind, as git leaves them. A plain work dir travels
 * as a tar archive.
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { countOf, isCommitId } from "../trust/host-values.ts";
import { runScript } from "./handle.ts";
import { commitOf, fetchFromBundle, lastLine, localGit } from "./local-git.ts";
import { sections, splitPayload } from "./script-output.ts";

const GIT_AS_FLEET = "git -c user.name=fleet -c user.email=fleet@localhost -c commit.gpgsign=false";

/** The ref a capture is bundled under, on the source host and in the repo here. */
const captureRef = (name: string): string => `refs/fleet/capture/${name}`;

export interface GitWork {
  kind: "git";
  /** The source's HEAD: the new branch starts here. */
  head: string;
  /** A commit (parent head) whose tree is the source's index. */
  staged: string;
  /** A commit (parent staged) whose tree is the source's files on disk. */
  files: string;
  /** Paths with uncommitted changes (untracked files too). */
  changed: number;
}

export interface DirWork {
  kind: "dir";
  archive: Buffer;
}

export type CapturedWork = GitWork | DirWork;

/**
 * Takes the work of the agent whose work dir is `workdir` into `repo` (this
 * machine's source repo) when it is a git work dir, else as an archive.
 * `known` are commits `repo` has: the host leaves out those it has too.
 */
export async function captureWork(
  transport: Transport,
  agent: { name: string; workdir: string },
  repo: string | undefined,
): Promise<CapturedWork> {
  const { name, workdir } = agent;
  if (repo === undefined) {
    const taken = await runScript(
      transport,
      `archiving the work dir of agent ${name}`,
      [
        `cd ${q(workdir)} 2>/dev/null || { echo "@@fleet:error the work dir ${workdir} is gone"; exit 1; }`,
        "echo @@fleet:payload",
        "tar -cf - . || exit 1",
      ].join("\n"),
    );
    return { kind: "dir", archive: splitPayload(taken.stdoutBytes).payload ?? Buffer.alloc(0) };
  }
  const head = await commitOf(repo, "HEAD");
  const known = [...(head === undefined ? [] : [head]), ...(await branchTips(repo))];
  const ref = captureRef(name);
  const taken = await runScript(
    transport,
    `taking the uncommitted work of agent ${name}`,
    [
      'fail() { echo "@@fleet:error $*"; exit 1; }',
      `cd ${q(workdir)} 2>/dev/null || fail "the work dir ${workdir} is gone"`,
      'top=$(git rev-parse --show-toplevel 2>/dev/null) && cd "$top" || fail "the work dir is not a git work dir"',
      'head=$(git rev-parse -q --verify "HEAD^{commit}") || fail "the work dir has no commit yet"',
      'staged_tree=$(git write-tree 2>/dev/null) || fail "the work dir has unresolved merge conflicts; resolve them first"',
      // A copy of the index, so that adding everything leaves the source's own as it was.
      'index=$(mktemp) || fail "cannot make a temporary index"',
      "real=$(git rev-parse --git-path index)",
      'if [ -f "$real" ]; then cp "$real" "$index"; else rm -f "$index"; fi',
      'files_tree=$(GIT_INDEX_FILE="$index" git add -A >&2 && GIT_INDEX_FILE="$index" git write-tree)',
      'added=$?; rm -f "$index"',
      '[ "$added" -eq 0 ] || fail "cannot read the files of the work dir"',
      `staged=$(${GIT_AS_FLEET} commit-tree "$staged_tree" -p "$head" -m ${q(`fleet: staged changes of ${name}`)}) || fail "cannot record the staged changes"`,
      `files=$(${GIT_AS_FLEET} commit-tree "$files_tree" -p "$staged" -m ${q(`fleet: unstaged and untracked files of ${name}`)}) || fail "cannot record the files"`,
      `git update-ref ${q(ref)} "$files" || fail "cannot make a ref for the bundle"`,
      "not=",
      `for c in ${known.join(" ")}; do git cat-file -e "$c^{commit}" 2>/dev/null && not="$not ^$c"; done`,
      "echo @@fleet:state",
      'echo "head $head"',
      'echo "staged $staged"',
      'echo "files $files"',
      'echo "changed $(git status --porcelain --untracked-files=all | wc -l)"',
      "echo @@fleet:payload",
      `git bundle create -q - ${q(ref)} $not; bundled=$?`,
      `git update-ref -d ${q(ref)}`,
      'exit "$bundled"',
    ].join("\n"),
  );
  const { text, payload } = splitPayload(taken.stdoutBytes);
  const state = facts(sections(text).get("state") ?? []);
  const work: GitWork = {
    kind: "git",
    head: hostCommit(state.get("head"), name, "its HEAD"),
    staged: hostCommit(state.get("staged"), name, "its staged changes"),
    files: hostCommit(state.get("files"), name, "its files"),
    changed: countOf(state.get("changed")) ?? 0,
  };
  await fetchInto(repo, payload ?? Buffer.alloc(0), ref, name);
  await checkShape(repo, work, name);
  return work;
}

/**
 * Sets the fresh work dir `workdir` (checked out at `work.head`) to the captured
 * work; `repo` is this machine's repo that holds it.
 */
export async function restoreWork(
  transport: Transport,
  target: { name: string; workdir: string },
  work: CapturedWork,
  repo: string | undefined,
): Promise<void> {
  const { name, workdir } = target;
  if (work.kind === "dir") {
    await runScript(
      transport,
      `unpacking the work into agent ${name}`,
      [
        // A remote host's empty work dir is made by the launch script, later.
        `mkdir -p ${q(workdir)} && chmod 700 ${q(workdir)} && cd ${q(workdir)} || exit 1`,
        // What the new work dir was made with gives way to the source's work.
        "find . -mindepth 1 -delete || exit 1",
        'tar -xf - || { echo "@@fleet:error cannot unpack the work"; exit 1; }',
      ].join("\n"),
      { input: work.archive },
    );
    return;
  }
  if (repo === undefined) throw new Error("unreachable: git work without a repo");
  const ref = captureRef(name);
  const bundle = await bundleOfWork(repo, work, ref);
  await runScript(
    transport,
    `setting the work dir of agent ${name} to the copied work`,
    [
      'fail() { echo "@@fleet:error $*"; exit 1; }',
      `cd ${q(workdir)} && cd "$(git rev-parse --show-toplevel)" || fail "the new work dir is not a git work dir"`,
      `[ "$(git rev-parse HEAD)" = ${work.head} ] || fail "the new work dir is not at ${work.head}"`,
      'tmp="$(git rev-parse --absolute-git-dir)/fleet-work.bundle"',
      'cat > "$tmp" || fail "cannot write $tmp"',
      `git fetch -q --no-tags "$tmp" ${q(ref)} >&2; fetched=$?; rm -f "$tmp"`,
      '[ "$fetched" -eq 0 ] || fail "cannot unpack the work"',
      `git read-tree -u --reset ${work.files} >&2 || fail "cannot check out the files"`,
      `git read-tree ${work.staged} >&2 || fail "cannot set the staged changes"`,
    ].join("\n"),
    { input: bundle },
  );
}

/**
 * A bundle of the two work commits under `ref` (fetch needs their base, the
 * branch's HEAD, there first): what the new work dir is set from, and what
 * `fleet migrate` keeps of a local agent's uncommitted work.
 */
export async function bundleOfWork(
  repo: string,
  work: GitWork,
  ref: string = captureRef("saved"),
): Promise<Buffer> {
  await localGit(repo, ["update-ref", "--end-of-options", ref, work.files]);
  const bundle = await localGit(repo, [
    "bundle",
    "create",
    "-q",
    "-",
    ref,
    "--not",
    work.head,
  ]).finally(() => localGit(repo, ["update-ref", "-d", "--end-of-options", ref]));
  if (bundle.code !== 0) {
    throw new FleetError("GIT_FAILED", `cannot bundle the work: ${lastLine(bundle.stderr)}`, {
      fault: "system",
    });
  }
  return bundle.stdoutBytes;
}

async function branchTips(repo: string): Promise<string[]> {
  const listed = await localGit(repo, ["for-each-ref", "--format=%(objectname)", "refs/heads"]);
  return listed.stdout.split("\n").filter((sha) => isCommitId(sha));
}

async function fetchInto(repo: string, payload: Buffer, ref: string, name: string): Promise<void> {
  const fetched = await fetchFromBundle(repo, payload, ref);
  if (fetched.code !== 0) {
    throw new FleetError(
      "GIT_FAILED",
      `cannot unpack the work of agent ${name}: ${lastLine(fetched.stderr)}`,
      { fault: "system", hint: "nothing was changed; the source agent is as it was" },
    );
  }
}

/** The three commits are what the script made, checked in this machine's repo, not the host's word. */
async function checkShape(repo: string, work: GitWork, name: string): Promise<void> {
  const parents = await localGit(repo, [
    "rev-list",
    "--parents",
    "-n",
    "2",
    "--end-of-options",
    work.files,
  ]);
  const lines = parents.stdout.trim().split("\n");
  if (
    parents.code !== 0 ||
    lines[0] !== `${work.files} ${work.staged}` ||
    lines[1] !== `${work.staged} ${work.head}`
  ) {
    throw new FleetError(
      "HOST_VALUE_INVALID",
      `agent ${name}'s host sent work that is not what fleet asked for`,
      { fault: "system", hint: "nothing was changed; the host's git repo may be tampered with" },
    );
  }
}

function facts(lines: string[]): Map<string, string> {
  return new Map(
    lines.map((line) => {
      const space = line.indexOf(" ");
      return space === -1 ? [line, ""] : [line.slice(0, space), line.slice(space + 1).trim()];
    }),
  );
}

function hostCommit(value: string | undefined, agent: string, what: string): string {
  if (isCommitId(value)) return value;
  throw new FleetError(
    "HOST_VALUE_INVALID",
    `agent ${agent}'s host reported ${JSON.stringify(value ?? "")} as ${what}, which is not a commit id`,
    { fault: "system", hint: "nothing was changed; the host's git repo may be damaged" },
  );
}
