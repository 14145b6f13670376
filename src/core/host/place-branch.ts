/**
 * The branch a copy of an agent (fleet clone, fleet migrate) starts on, in this
 * machine's repo: made at the source's HEAD, or (migrate, the same branch) moved
 * forward to it when nothing here has commits it lacks or has it checked out.
 */
import { FleetError } from "../errors.ts";
import { commitOf, isAncestor, lastLine, localGit } from "./local-git.ts";

/**
 * Points `branch` in this machine's repo at `head`: a new branch, or (for the
 * same branch) one that `head` only moves forward and no checkout here has out.
 * True when it made the branch.
 */
export async function placeBranch(
  repo: string,
  branch: string,
  head: string,
  same: boolean,
): Promise<boolean> {
  const ref = `refs/heads/${branch}`;
  const before = await commitOf(repo, ref);
  if (before === head) return false;
  if (before !== undefined && !same) {
    throw new FleetError("BRANCH_EXISTS", `branch ${branch} already exists in ${repo}`, {
      hint: `pick another name for the new agent, or delete the branch (\`git -C ${repo} branch -D ${branch}\`)`,
    });
  }
  if (before !== undefined) {
    if (!(await isAncestor(repo, before, head))) {
      throw new FleetError(
        "BRANCH_DIVERGED",
        `branch ${branch} in ${repo} has commits the agent's lacks`,
        {
          hint: `bring them to the agent first (\`fleet pull\`, merge, \`fleet push\`), then try again`,
        },
      );
    }
    const worktrees = await localGit(repo, ["worktree", "list", "--porcelain"]);
    if (worktrees.stdout.split("\n").includes(`branch ${ref}`)) {
      throw new FleetError(
        "BRANCH_CHECKED_OUT",
        `branch ${branch} is checked out in a worktree of ${repo} and behind the agent's`,
        { hint: `switch that checkout to another branch, or \`fleet pull\` the agent there first` },
      );
    }
  }
  const updated = await localGit(repo, [
    "update-ref",
    "-m",
    "fleet clone",
    "--end-of-options",
    ref,
    head,
    before ?? "",
  ]);
  if (updated.code !== 0) {
    throw new FleetError(
      "GIT_FAILED",
      `cannot make branch ${branch}: ${lastLine(updated.stderr)}`,
      {
        fault: "system",
      },
    );
  }
  return before === undefined;
}
