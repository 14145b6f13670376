/**
 * Destroying an agent never loses its work. In a git work dir, uncommitted
 * changes (untracked files too) are committed onto the agent's branch, which is
 * kept; if that branch holds commits no other branch or remote has, a bundle of
 * it is also written to the controller's saved dir. A plain work dir with
 * anything in it is archived there. Only places the user can fetch from are
 * reported: the source repo's branch for a local agent, else the bundle (a
 * remote host's cache repo is fleet's, and goes with the host). Only once the
 * saved bytes are on disk are the session, the worktree and the agent dir removed.
 */
import { leaveBus } from "../bus/members.ts";
import { killOwnSessionLine } from "./own-session.ts";
import { join } from "node:path";
import { shellQuote as q } from "../contracts/transport.ts";
import { savedWorkDir } from "../env.ts";
import { FleetError } from "../errors.ts";
import { agentPaths } from "./agent-record.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { agentNotFound, readAgent } from "./read-agent.ts";
import type { SavedWork } from "./saved-work.ts";
import { sections, splitPayload } from "./script-output.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";
import { recordAgentDestroyed } from "../events/journal.ts";

const GIT_AS_FLEET = "git -c user.name=fleet -c user.email=fleet@localhost -c commit.gpgsign=false";

export async function destroyAgent(h: HostHandle, name: string): Promise<{ saved: SavedWork[] }> {
  const agent = await readAgent(h, name);
  // A session of that name fleet did not start is not an agent, and is left running.
  if (!agent.record && !agent.problem && !agent.sessionExists)
    throw agentNotFound(name, h.host.name);
  const { transport } = agent;
  const paths = agentPaths(transport.fleetDir, name);
  // Only a record that verifies says where the work is; otherwise fleet looks
  // only inside the agent's own dir, never at a path a host may have written.
  const workdir = agent.record?.workdir ?? paths.work;
  const source = agent.record?.spec.workdir?.from;

  // Stop the agent first so nothing changes the work dir while it is saved.
  const save = await runScript(
    transport,
    `saving the work of agent ${name}`,
    [
      killOwnSessionLine(agent.session, name),
      `w=${q(workdir)}`,
      'if [ ! -d "$w" ]; then echo @@fleet:none; exit 0; fi',
      'cd "$w" || exit 80',
      "if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then",
      "  echo @@fleet:git",
      '  if [ -n "$(git status --porcelain --untracked-files=all)" ]; then',
      `    git add -A && ${GIT_AS_FLEET} commit -q --no-verify -m ${q(`fleet: saved uncommitted work of ${name}`)} >&2 || { echo "@@fleet:error cannot commit the uncommitted work of ${name}"; exit 81; }`,
      "    echo committed",
      "  fi",
      '  branch=$(git symbolic-ref -q --short HEAD) || branch=""',
      '  echo "branch $branch"',
      '  echo "toplevel $(git rev-parse --show-toplevel)"',
      '  echo "commondir $(cd "$(git rev-parse --git-common-dir)" && pwd -P)"',
      `  echo "agentdir $(cd ${q(paths.dir)} && pwd -P)"`,
      '  others=$(git for-each-ref --format="%(refname)" refs/heads refs/remotes | grep -vxF "refs/heads/$branch")',
      "  unique=$(git rev-list --count HEAD --not $others --) || exit 82",
      '  echo "unique $unique"',
      '  if [ "$unique" -gt 0 ]; then echo @@fleet:payload; git bundle create -q - "${branch:-HEAD}" || exit 83; fi',
      'elif [ -n "$(ls -A)" ]; then',
      "  echo @@fleet:archive",
      "  echo @@fleet:payload",
      "  tar -czf - . || exit 84",
      "else",
      "  echo @@fleet:none",
      "fi",
    ].join("\n"),
  );

  const { text, payload } = splitPayload(save.stdoutBytes);
  const parts = sections(text);
  const saved: SavedWork[] = [];
  const stamp = utcStamp(new Date());
  const dir = savedWorkDir(h.ctx.env);
  if (parts.has("git")) {
    const facts = new Map(
      (parts.get("git") ?? []).map((line) => {
        const space = line.indexOf(" ");
        return space === -1 ? [line, ""] : [line.slice(0, space), line.slice(space + 1)];
      }),
    );
    const branch = facts.get("branch") ?? "";
    const unique = Number(facts.get("unique") ?? "0");
    const repo = source ?? facts.get("toplevel") ?? workdir;
    const committed = facts.has("committed")
      ? " (its uncommitted changes committed there first)"
      : "";
    // A worktree's branch lives in the source repo and survives; a clone's dies with the agent dir.
    const agentRoot = `${facts.get("agentdir") ?? paths.dir}/`;
    const branchSurvives = !(facts.get("commondir") ?? agentRoot).startsWith(agentRoot);
    const local = h.provider.name === "local";
    if (local && branchSurvives && branch !== "" && (unique > 0 || committed !== "")) {
      saved.push({
        kind: "branch",
        location: branch,
        description: `branch ${branch} in ${repo}, kept${committed}; see it with \`git -C ${q(repo)} log ${branch}\``,
      });
    }
    if (payload && payload.length > 0) {
      const file = join(dir, `${name}-${stamp}.bundle`);
      await writeSaved(file, payload);
      saved.push({
        kind: "bundle",
        location: file,
        description: `git bundle of ${branch || "the work"} (${unique} commit${unique === 1 ? "" : "s"} on no other branch${local ? "" : ` of host ${h.host.name}`}${!local && committed !== "" ? ", its uncommitted changes committed first" : ""}); fetch it into a repo with \`git fetch ${q(file)} ${branch || "HEAD"}\``,
      });
    }
  } else if (parts.has("archive") && payload) {
    const file = join(dir, `${name}-${stamp}.tar.gz`);
    await writeSaved(file, payload);
    saved.push({
      kind: "archive",
      location: file,
      description: `archive of the work dir ${workdir}; unpack with \`tar -xzf ${file}\``,
    });
  }

  const removeWorktree =
    source !== undefined
      ? `git -C ${q(source)} worktree remove --force ${q(workdir)} 2>/dev/null; git -C ${q(source)} worktree prune 2>/dev/null`
      : ":";
  await runScript(
    transport,
    `removing agent ${name}`,
    [
      removeWorktree,
      // An agent CLI still exiting after its session ended (Claude Code writes to
      // its config dir as it shuts down) can add files while rm runs: try again.
      `for fleet_try in 1 2 3 4 5; do rm -rf ${q(paths.dir)} 2>/dev/null && break; sleep 0.2; done`,
      `[ ! -e ${q(paths.dir)} ] || rm -rf ${q(paths.dir)} || exit 85`,
    ].join("\n"),
  );
  // Its token goes with it; its mail stays on the bus until pruned.
  await leaveBus(h.ctx.env, h.host.name, name);
  await recordAgentDestroyed(h.ctx.env, name, h.host, saved);
  return { saved };
}

async function writeSaved(file: string, bytes: Buffer): Promise<void> {
  try {
    await mkdirPrivate(join(file, ".."));
    await writePrivateFile(file, bytes);
  } catch (error) {
    throw new FleetError(
      "SAVE_FAILED",
      `cannot write saved work to ${file}: ${(error as Error).message}`,
      {
        fault: "system",
        hint: "nothing was removed; free some space or fix the permissions, then destroy again",
        cause: error,
      },
    );
  }
}

/** 20250102T030405Z: sortable, safe in file names. */
const utcStamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
