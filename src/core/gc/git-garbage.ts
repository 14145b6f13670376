/**
 * Git garbage in the repositories on this machine that fleet's agents work
 * from: worktrees under fleet's agent dirs whose agent is gone, and `fleet/*`
 * branches (fleet's namespace: agents work on `fleet/NAME`) that no agent uses.
 * Work is never lost: a worktree with uncommitted changes or a detached HEAD
 * whose commits are on no branch stays, and so does a branch holding commits
 * that no other branch has. A branch is deleted with `git update-ref -d REF
 * OLD`, so one that moved since it was checked stays.
 */
import { realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { localGit } from "../host/local-git.ts";
import { drop, keep, type GcItem } from "./gc-item.ts";

interface Worktree {
  path: string;
  head?: string;
  branch?: string;
  prunable: boolean;
}

function parseWorktrees(text: string): Worktree[] {
  return text
    .split("\n\n")
    .map((block) => block.split("\n").filter((l) => l !== ""))
    .filter((lines) => lines[0]?.startsWith("worktree ") === true)
    .map((lines) => {
      const field = (name: string) =>
        lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1);
      const head = field("HEAD");
      const branch = field("branch");
      return {
        path: (lines[0] ?? "").slice("worktree ".length),
        ...(head === undefined ? {} : { head }),
        ...(branch === undefined ? {} : { branch }),
        prunable: lines.some((l) => l === "prunable" || l.startsWith("prunable ")),
      };
    });
}

const real = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** The agent a path under `<agentsDir>/<name>/work` belongs to, or undefined. */
function agentOfPath(path: string, agentsDir: string): string | undefined {
  const rest = real(path).startsWith(agentsDir + sep) ? real(path).slice(agentsDir.length + 1) : "";
  const [name, work, ...more] = rest.split(sep);
  return name !== undefined && name !== "" && work === "work" && more.length === 0
    ? name
    : undefined;
}

export interface GitGarbageInput {
  /** Top-level dirs of the repositories to look in. */
  repos: readonly string[];
  /** This machine's fleet dir (FLEET_HOME): agents' dirs are `<home>/agents/NAME`. */
  home: string;
  /** Agents on this machine that exist (by name). */
  localAgents: ReadonlySet<string>;
  /** Branches some agent on any host works on (`fleet/NAME`). */
  usedBranches: ReadonlySet<string>;
}

export async function findGitGarbage(input: GitGarbageInput): Promise<GcItem[]> {
  const agentsDir = real(join(input.home, "agents"));
  const items: GcItem[] = [];
  for (const repo of input.repos) {
    const listed = await localGit(repo, ["worktree", "list", "--porcelain"]);
    if (listed.code !== 0) continue;
    const worktrees = parseWorktrees(listed.stdout);
    const goingTrees = new Set<string>();
    for (const tree of worktrees) {
      const agent = agentOfPath(tree.path, agentsDir);
      if (agent === undefined || input.localAgents.has(agent)) continue;
      const item = await judgeWorktree(repo, tree, agent);
      if (item.action === "delete") goingTrees.add(tree.path);
      items.push(item);
    }
    const checkedOut = new Set(
      worktrees.filter((t) => !goingTrees.has(t.path) && t.branch).map((t) => t.branch ?? ""),
    );
    items.push(...(await judgeBranches(repo, checkedOut, input.usedBranches)));
  }
  return items;
}

async function judgeWorktree(repo: string, tree: Worktree, agent: string): Promise<GcItem> {
  const target = tree.path;
  if (tree.prunable) {
    return drop("worktree", target, `git's entry for agent ${agent}'s gone work dir`, async () => {
      const pruned = await localGit(repo, ["worktree", "prune"]);
      return pruned.code === 0;
    });
  }
  const status = await localGit(tree.path, ["status", "--porcelain", "--untracked-files=all"]);
  if (status.code !== 0) return keep("worktree", target, "git cannot read it");
  if (status.stdout.trim() !== "") {
    return keep("worktree", target, `agent ${agent} is gone, but it holds uncommitted changes`);
  }
  if (tree.branch === undefined) {
    const loose = await localGit(tree.path, [
      "rev-list",
      "--count",
      "HEAD",
      "--not",
      "--branches",
      "--tags",
    ]);
    if (loose.code !== 0 || loose.stdout.trim() !== "0") {
      return keep(
        "worktree",
        target,
        `agent ${agent} is gone, but its HEAD has commits on no branch`,
      );
    }
  }
  const on = tree.branch === undefined ? "" : ` (on ${short(tree.branch)})`;
  return drop(
    "worktree",
    target,
    `agent ${agent} is gone; nothing in it is uncommitted${on}`,
    async () => {
      // Without --force git itself refuses a worktree with changes made since.
      const removed = await localGit(repo, ["worktree", "remove", "--", tree.path]);
      return removed.code === 0;
    },
  );
}

const short = (ref: string): string => ref.replace(/^refs\/heads\//, "");

async function judgeBranches(
  repo: string,
  checkedOut: ReadonlySet<string>,
  used: ReadonlySet<string>,
): Promise<GcItem[]> {
  const refs = await localGit(repo, [
    "for-each-ref",
    "--format=%(refname) %(objectname)",
    "refs/heads/fleet/",
  ]);
  if (refs.code !== 0) return [];
  const items: GcItem[] = [];
  for (const line of refs.stdout.split("\n").filter((l) => l !== "")) {
    const [ref = "", sha = ""] = line.split(" ");
    const name = short(ref);
    const target = `${repo}: ${name}`;
    if (used.has(name) || checkedOut.has(ref)) continue;
    const only = await localGit(repo, [
      "rev-list",
      "--count",
      sha,
      "--not",
      `--exclude=${short(ref)}`,
      "--branches",
      "--tags",
    ]);
    const count = Number(only.stdout.trim());
    if (only.code !== 0 || !Number.isInteger(count)) {
      items.push(keep("branch", target, "git cannot tell what it holds"));
    } else if (count > 0) {
      items.push(
        keep(
          "branch",
          target,
          `no agent uses it, but it holds ${count} commit${count === 1 ? "" : "s"} on no other branch`,
        ),
      );
    } else {
      items.push(
        drop(
          "branch",
          target,
          "no agent uses it; its commits are all on other branches",
          async () => {
            // A worktree that could not be removed still has it checked out: it stays then.
            const trees = await localGit(repo, ["worktree", "list", "--porcelain"]);
            if (trees.code !== 0 || parseWorktrees(trees.stdout).some((t) => t.branch === ref)) {
              return false;
            }
            const deleted = await localGit(repo, ["update-ref", "-d", ref, sha]);
            return deleted.code === 0;
          },
        ),
      );
    }
  }
  return items;
}
