/**
 * A create that fails leaves nothing behind: no agent dir, no worktree, and on
 * this machine no branch it made. Only what this create made goes: an agent that
 * has a record, or a session of that name, is never touched.
 */
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import type { AgentSpec } from "../model.ts";
import type { AgentPaths } from "./agent-record.ts";
import { commitOf, localGit, repoOf } from "./local-git.ts";

/** What a create may have to undo, learnt before it makes anything. */
export interface CreateStart {
  /** The source repo on this machine whose branch a local worktree would be made on, when that branch is new. */
  newLocalBranch?: { top: string; branch: string };
}

export async function beforeCreate(spec: AgentSpec, provider: string): Promise<CreateStart> {
  // Remote hosts make the branch in their own repo cache, which goes with the host.
  if (provider !== "local" || !spec.workdir) return {};
  const repo = await repoOf(spec.workdir.from);
  if (!repo) return {};
  const existed = (await commitOf(repo.top, `refs/heads/${spec.workdir.branch}`)) !== undefined;
  return existed ? {} : { newLocalBranch: { top: repo.top, branch: spec.workdir.branch } };
}

export async function undoCreate(
  transport: Transport,
  paths: AgentPaths,
  session: string,
  start: CreateStart,
): Promise<void> {
  const undone = await transport.script(
    [
      `[ ! -e ${q(paths.record)} ] || exit 3`,
      `! tmux has-session -t ${q(`=${session}:`)} 2>/dev/null || exit 3`,
      `if [ -e ${q(`${paths.work}/.git`)} ]; then`,
      `  fleet_common=$(git -C ${q(paths.work)} rev-parse --path-format=absolute --git-common-dir 2>/dev/null)`,
      "fi",
      `rm -rf ${q(paths.dir)} || exit 1`,
      '[ -z "$fleet_common" ] || git --git-dir="$fleet_common" worktree prune 2>/dev/null',
      "exit 0",
    ].join("\n"),
  );
  if (undone.code !== 0 || !start.newLocalBranch) return;
  const { top, branch } = start.newLocalBranch;
  await localGit(top, ["update-ref", "-d", "--end-of-options", `refs/heads/${branch}`]);
}
