/**
 * The local work dir: a git worktree of the source repo on the agent's branch
 * (made from the repo's HEAD when the branch is new), a copy of a plain dir, or
 * an empty dir. Whatever is already there is reused.
 */
import { shellQuote as q } from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { AgentSpec } from "../../src/core/model.ts";
import type { LocalTransport } from "./transport.ts";
import { mkdirPrivate } from "../../src/core/private-files.ts";

const SCRIPT = `
umask 077
from=$1 work=$2 branch=$3
if top=$(git -C "$from" rev-parse --show-toplevel 2>/dev/null); then
  sub=$(git -C "$from" rev-parse --show-prefix) || exit 1
  if [ ! -e "$work/.git" ]; then
    if [ -e "$work" ]; then rmdir "$work" 2>/dev/null || { echo "@@fleet:error $work exists and is not a git worktree" ; exit 1; }; fi
    git -C "$top" worktree prune || exit 1
    mkdir -p "$(dirname "$work")" || exit 1
    if git -C "$top" show-ref --verify --quiet "refs/heads/$branch"; then
      git -C "$top" worktree add -q "$work" "$branch" >&2 || { echo "@@fleet:error git worktree add failed for branch $branch"; exit 1; }
    else
      git -C "$top" worktree add -q -b "$branch" "$work" HEAD >&2 || { echo "@@fleet:error git worktree add failed for new branch $branch"; exit 1; }
    fi
  fi
  sub=\${sub%/}
  if [ -n "$sub" ]; then echo "$work/$sub"; else echo "$work"; fi
elif [ -d "$from" ]; then
  if [ ! -e "$work" ]; then
    mkdir -p "$work.partial" && cp -a "$from/." "$work.partial/" && chmod 700 "$work.partial" && mv "$work.partial" "$work" || exit 1
  fi
  echo "$work"
else
  echo "@@fleet:error the work dir source $from does not exist"
  exit 1
fi
`;

export async function prepareLocalWorkdir(
  transport: LocalTransport,
  spec: AgentSpec,
  agentDir: string,
): Promise<string> {
  const work = `${agentDir}/work`;
  if (!spec.workdir) {
    await mkdirPrivate(work);
    return work;
  }
  const result = await transport.runAsCaller([
    "sh",
    "-c",
    SCRIPT,
    "sh",
    spec.workdir.from,
    work,
    spec.workdir.branch,
  ]);
  if (result.code !== 0) {
    const expected = /^@@fleet:error (.*)$/m.exec(result.stdout)?.[1];
    const gitSays = result.stderr.trim().split("\n").at(-1) ?? "";
    throw new FleetError(
      "WORKDIR_FAILED",
      `cannot prepare the work dir of agent ${spec.name}: ${expected ?? gitSays}${expected && gitSays ? ` (${gitSays})` : ""}`,
      {
        hint: /already (checked out|used by worktree)/.test(result.stderr)
          ? `branch ${spec.workdir.branch} is checked out elsewhere; switch that checkout to another branch (${q(spec.workdir.from)})`
          : `check that ${spec.workdir.from} is a readable directory or git repo`,
      },
    );
  }
  const path = result.stdout.trim().split("\n").at(-1);
  if (!path)
    throw new FleetError("WORKDIR_FAILED", `cannot prepare the work dir of agent ${spec.name}`, {
      fault: "system",
    });
  return path;
}
