/**
 * Moving an agent's commits between its host and a repo on this machine, as git
 * bundles over the host's transport: `pull` brings the agent's branch here,
 * `push` brings this machine's branch to the agent. Both fast-forward only
 * (pull overwrites with `force`), commit nothing, and send only the commits the
 * other side lacks. Agents on this machine work in a worktree of the repo
 * itself, so their branch is already shared and there is nothing to move.
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import type { HostHandle } from "./handle.ts";
import { runScript } from "./handle.ts";
import { commitOf, fetchFromBundle, isAncestor, lastLine, localGit, repoOf } from "./local-git.ts";
import { requireAgent } from "./read-agent.ts";
import { controllerRef } from "./remote-workdir.ts";
import { sections, splitPayload } from "./script-output.ts";
import { countOf, isBranchName, isCommitId } from "../trust/host-values.ts";

export interface SyncResult {
  agent: string;
  host: string;
  branch: string;
  /** The local repo's top dir. */
  repo: string;
  /** Commits that moved (0 when already up to date). */
  commits: number;
  /** The agent works in a worktree of this very repo: nothing to move. */
  shared: boolean;
  /** Local branch tip before and after (pull), or the agent's before and after (push). */
  before: string | null;
  after: string | null;
  /** Files with uncommitted changes in the agent's work dir (not moved). */
  uncommitted: number;
  /** pull: the local branch was moved to a commit that does not contain it (with force). */
  forced: boolean;
}

interface AgentBranch {
  branch: string;
  workdir: string;
  repo: { top: string; prefix: string };
  shared: boolean;
}

async function agentBranch(
  h: HostHandle,
  name: string,
  localRepo: string,
): Promise<AgentBranch & { transport: Awaited<ReturnType<typeof requireAgent>>["transport"] }> {
  const agent = await requireAgent(h, name);
  // From the verified record (requireAgent): the branch the controller made.
  const branch = agent.record.spec.workdir?.branch;
  if (branch === undefined) {
    throw new FleetError(
      "NOT_A_GIT_AGENT",
      `agent ${name} has no git work dir (its spec has no workdir)`,
      {
        hint: "only agents whose workdir comes from a git repo have a branch to pull or push",
      },
    );
  }
  if (!isBranchName(branch)) {
    throw new FleetError(
      "INVALID_BRANCH",
      `agent ${name}'s branch ${JSON.stringify(branch)} is not a valid branch name`,
      {
        hint: "fix `workdir.branch` in the fleet file and re-create the agent",
      },
    );
  }
  const repo = await repoOf(localRepo);
  if (!repo) {
    throw new FleetError("NOT_A_REPO", `${localRepo} is not a git repo`, {
      hint: "pass the repo with --repo PATH",
    });
  }
  return {
    branch,
    workdir: agent.record.workdir,
    repo,
    shared: h.provider.name === "local",
    transport: agent.transport,
  };
}

/** Brings the agent's branch from its host into `localRepo` (same branch name). */
export async function pullAgentWork(
  h: HostHandle,
  name: string,
  localRepo: string,
  options: { force?: boolean } = {},
): Promise<SyncResult> {
  const a = await agentBranch(h, name, localRepo);
  const top = a.repo.top;
  const localRef = `refs/heads/${a.branch}`;
  const before = (await commitOf(top, localRef)) ?? null;
  const base: SyncResult = {
    agent: name,
    host: h.host.name,
    branch: a.branch,
    repo: top,
    commits: 0,
    shared: a.shared,
    before,
    after: before,
    uncommitted: 0,
    forced: false,
  };
  if (a.shared) return base;

  const head = await commitOf(top, "HEAD");
  const candidates = [before, head].filter(
    (sha): sha is string => sha !== null && sha !== undefined,
  );
  const read = await runScript(
    a.transport,
    `reading branch ${a.branch} of agent ${name}`,
    [
      `cd ${q(a.workdir)} 2>/dev/null || { echo "@@fleet:error the work dir ${a.workdir} is gone"; exit 1; }`,
      `git rev-parse --verify -q ${q(`refs/heads/${a.branch}`)} >/dev/null || { echo "@@fleet:error the work dir has no branch ${a.branch}"; exit 1; }`,
      "fleet_not=",
      `for c in ${candidates.join(" ")}; do git cat-file -e "$c^{commit}" 2>/dev/null && fleet_not="$fleet_not ^$c"; done`,
      "echo @@fleet:state",
      `echo "tip $(git rev-parse ${q(`refs/heads/${a.branch}`)})"`,
      'echo "uncommitted $(git status --porcelain | wc -l)"',
      `fleet_new=$(git rev-list --count ${q(`refs/heads/${a.branch}`)} $fleet_not) || exit 1`,
      'echo "new $fleet_new"',
      `if [ "$fleet_new" -gt 0 ]; then echo @@fleet:payload; git bundle create -q - ${q(`refs/heads/${a.branch}`)} $fleet_not || exit 1; fi`,
    ].join("\n"),
  );
  const { text, payload } = splitPayload(read.stdoutBytes);
  const state = facts(sections(text).get("state") ?? []);
  const tip = hostCommit(state.get("tip"), name, "the tip of its branch");
  base.uncommitted = countOf(state.get("uncommitted")) ?? 0;
  if (payload && payload.length > 0) await fetchBundle(top, payload, localRef);

  if (before === tip) return recordPulled(a, tip, base);
  base.commits = await countCommits(top, tip, before);
  if (before !== null && (await isAncestor(top, tip, before))) {
    // This side is ahead: nothing of the agent's is missing here.
    return recordPulled(a, tip, { ...base, commits: 0 });
  }
  const fastForward = before === null || (await isAncestor(top, before, tip));
  if (!fastForward && options.force !== true) {
    throw new FleetError(
      "PULL_NOT_FAST_FORWARD",
      `branch ${a.branch} in ${top} and agent ${name}'s branch have diverged: pulling would drop commits of yours`,
      {
        hint: `the agent's commits are here now: merge them into yours (\`git merge ${tip.slice(0, 12)}\` on ${a.branch}) and \`fleet push ${name}\`, or pass --force to replace your ${a.branch} with the agent's`,
      },
    );
  }
  await moveBranch(top, a.branch, tip, before);
  return recordPulled(a, tip, { ...base, after: tip, forced: !fastForward });
}

/** Tells the host this machine now has `tip`, so destroy knows that work is safe here. */
async function recordPulled(
  a: AgentBranch & { transport: Transport },
  tip: string,
  result: SyncResult,
): Promise<SyncResult> {
  if (tip !== "") {
    await runScript(
      a.transport,
      `recording what was pulled from agent ${result.agent}`,
      `cd ${q(a.workdir)} && git update-ref ${q(controllerRef(a.branch))} ${q(tip)}`,
    );
  }
  return result;
}

/** Brings `localRepo`'s branch of the agent to its work dir on the host: fast-forward only. */
export async function pushAgentWork(
  h: HostHandle,
  name: string,
  localRepo: string,
): Promise<SyncResult> {
  const a = await agentBranch(h, name, localRepo);
  const top = a.repo.top;
  const local = await commitOf(top, `refs/heads/${a.branch}`);
  if (a.shared) {
    return {
      agent: name,
      host: h.host.name,
      branch: a.branch,
      repo: top,
      commits: 0,
      shared: true,
      before: local ?? null,
      after: local ?? null,
      uncommitted: 0,
      forced: false,
    };
  }
  if (local === undefined) {
    throw new FleetError("BRANCH_MISSING", `${top} has no branch ${a.branch} to push`, {
      hint: `make it first (e.g. \`fleet pull ${name}\`, then commit on it)`,
    });
  }
  const read = await runScript(
    a.transport,
    `reading the work dir of agent ${name}`,
    [
      `cd ${q(a.workdir)} 2>/dev/null || { echo "@@fleet:error the work dir ${a.workdir} is gone"; exit 1; }`,
      "echo @@fleet:state",
      'echo "branch $(git symbolic-ref -q --short HEAD)"',
      'echo "head $(git rev-parse -q --verify HEAD)"',
      'echo "uncommitted $(git status --porcelain | wc -l)"',
    ].join("\n"),
  );
  const state = facts(sections(read.stdout).get("state") ?? []);
  const remote = hostCommit(state.get("head"), name, "its HEAD");
  const uncommitted = countOf(state.get("uncommitted")) ?? 0;
  const result: SyncResult = {
    agent: name,
    host: h.host.name,
    branch: a.branch,
    repo: top,
    commits: 0,
    shared: false,
    before: remote,
    after: remote,
    uncommitted,
    forced: false,
  };
  if (state.get("branch") !== a.branch) {
    throw new FleetError(
      "PUSH_REFUSED",
      `agent ${name}'s work dir is on ${state.get("branch") || "a detached HEAD"}, not on ${a.branch}`,
      {
        hint: `switch it back with \`fleet exec ${name} -- git switch ${a.branch}\``,
      },
    );
  }
  if (remote === local) return result;
  if ((await commitOf(top, remote)) === undefined || !(await isAncestor(top, remote, local))) {
    throw new FleetError(
      "PUSH_NOT_FAST_FORWARD",
      `agent ${name} has commits on ${a.branch} that ${top} lacks: pushing would drop them`,
      {
        hint: `pull them first with \`fleet pull ${name}\`, merge, then push`,
      },
    );
  }
  const bundle = await localGit(top, [
    "bundle",
    "create",
    "-q",
    "-",
    `refs/heads/${a.branch}`,
    "--not",
    remote,
  ]);
  if (bundle.code !== 0) {
    throw new FleetError("GIT_FAILED", `cannot bundle ${a.branch}: ${lastLine(bundle.stderr)}`, {
      fault: "system",
    });
  }
  const applied = await a.transport.script(
    [
      `cd ${q(a.workdir)} || exit 1`,
      `[ "$(git rev-parse HEAD)" = ${q(remote)} ] || { echo "@@fleet:error the agent committed meanwhile; push again"; exit 1; }`,
      'tmp="$(git rev-parse --absolute-git-dir)/fleet-push.bundle"',
      'cat > "$tmp" || exit 1',
      `git fetch -q "$tmp" ${q(`refs/heads/${a.branch}`)} >&2 || { rm -f "$tmp"; echo "@@fleet:error cannot unpack the pushed commits"; exit 1; }`,
      'rm -f "$tmp"',
      `git merge -q --ff-only ${q(local)} >&2 || { echo "@@fleet:error the merge was refused"; exit 2; }`,
      `git update-ref ${q(controllerRef(a.branch))} ${q(local)}`,
    ].join("\n"),
    { input: bundle.stdoutBytes },
  );
  if (applied.code !== 0) {
    const overwritten = /would be overwritten/.test(applied.stderr);
    throw new FleetError(
      overwritten ? "PUSH_WOULD_OVERWRITE" : "PUSH_FAILED",
      overwritten
        ? `agent ${name} has uncommitted changes that the pushed commits would overwrite: ${changedFiles(applied.stderr).join(", ") || lastLine(applied.stderr)}`
        : `pushing to agent ${name} failed: ${/^@@fleet:error (.*)$/m.exec(applied.stdout)?.[1] ?? lastLine(applied.stderr)}`,
      overwritten
        ? {
            hint: `commit or discard them in the agent first (\`fleet exec ${name} -- git status\`)`,
          }
        : { fault: "system" },
    );
  }
  return { ...result, after: local, commits: await countCommits(top, local, remote) };
}

async function fetchBundle(top: string, payload: Buffer, ref: string): Promise<void> {
  // Into FETCH_HEAD only: the branch itself is moved after the checks.
  const fetched = await fetchFromBundle(top, payload, ref);
  if (fetched.code !== 0) {
    throw new FleetError(
      "GIT_FAILED",
      `cannot unpack the agent's commits: ${lastLine(fetched.stderr)}`,
      { fault: "system" },
    );
  }
}

/** Points the branch at `tip`; a branch checked out here is merged so its files follow. */
async function moveBranch(
  top: string,
  branch: string,
  tip: string,
  before: string | null,
): Promise<void> {
  const worktrees = await localGit(top, ["worktree", "list", "--porcelain"]);
  const checkedOut = worktrees.stdout
    .split("\n\n")
    .find((block) => block.split("\n").includes(`branch refs/heads/${branch}`));
  if (checkedOut !== undefined) {
    const path = /^worktree (.*)$/m.exec(checkedOut)?.[1] ?? top;
    const merged = await localGit(path, ["merge", "-q", "--ff-only", "--end-of-options", tip]);
    if (merged.code !== 0) {
      throw new FleetError(
        "PULL_REFUSED",
        `branch ${branch} is checked out in ${path} and cannot be fast-forwarded there: ${lastLine(merged.stderr)}`,
        {
          hint: "commit or stash your changes there (or switch to another branch), then pull again",
        },
      );
    }
    return;
  }
  const updated = await localGit(top, [
    "update-ref",
    "-m",
    "fleet pull",
    "--end-of-options",
    `refs/heads/${branch}`,
    tip,
    before ?? "",
  ]);
  if (updated.code !== 0) {
    throw new FleetError("GIT_FAILED", `cannot update ${branch}: ${lastLine(updated.stderr)}`, {
      fault: "system",
    });
  }
}

async function countCommits(top: string, tip: string, base: string | null): Promise<number> {
  const args =
    base === null
      ? [
          "rev-list",
          "--count",
          "--not",
          "--branches",
          "--remotes",
          "--not",
          "--end-of-options",
          tip,
        ]
      : ["rev-list", "--count", "--end-of-options", tip, `^${base}`];
  const counted = await localGit(top, args);
  return counted.code === 0 ? Number(counted.stdout.trim()) : 0;
}

function facts(lines: string[]): Map<string, string> {
  return new Map(
    lines.map((line) => {
      const space = line.indexOf(" ");
      return space === -1 ? [line, ""] : [line.slice(0, space), line.slice(space + 1).trim()];
    }),
  );
}

function changedFiles(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => /^\t/.test(line))
    .map((line) => line.trim());
}

/** A commit id the host reported; anything else (an option, a rev expression) is refused. */
function hostCommit(value: string | undefined, agent: string, what: string): string {
  if (isCommitId(value)) return value;
  throw new FleetError(
    "HOST_VALUE_INVALID",
    `agent ${agent}'s host reported ${JSON.stringify(value ?? "")} as ${what}, which is not a commit id`,
    {
      fault: "system",
      hint: "nothing was changed here; the host's git repo may be damaged or tampered with",
    },
  );
}
