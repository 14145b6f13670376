/**
 * Renaming an agent on its host: its session ends (the caller starts it again
 * under the new name), its dir moves to `agents/<new>` with the work dir in it
 * (a git worktree is repaired to its new place), its branch `fleet/<old>` becomes
 * `fleet/<new>` unless kept (a branch of another name is always kept), and its
 * record is rewritten and sealed under the new name; a conversation its CLI
 * keeps by work dir path moves with the work dir. The new record is written
 * beside the old one before the dir moves, so the dir and its record never
 * disagree: a failure leaves the agent as it was.
 */
import { shellQuote as q } from "../contracts/transport.ts";
import { FleetError } from "../errors.ts";
import { specHash } from "../spec-hash.ts";
import { serializeRecord, agentPaths, type AgentRecord } from "./agent-record.ts";
import { runScript, type HostHandle } from "./handle.ts";
import { commitOf, lastLine, localGit, repoOf } from "./local-git.ts";
import { killOwnSessionLine } from "./own-session.ts";
import { requireAgent } from "./read-agent.ts";
import { appendEventLines } from "./record-io.ts";
import { controllerRef } from "./remote-workdir.ts";
import { sealRecord } from "../trust/record-seal.ts";
import { getAgentType } from "../registry.ts";

export interface RenamedOnHost {
  record: AgentRecord;
  /** It ran before: the caller starts it again. */
  wasUp: boolean;
  branch: { before: string; after: string } | null;
}

export async function renameAgentOnHost(
  h: HostHandle,
  from: string,
  to: string,
  options: { keepBranch: boolean },
): Promise<RenamedOnHost> {
  const agent = await requireAgent(h, from);
  const old = agent.record;
  const wasUp = agent.live.state === "RUNNING" || agent.live.state === "WAITING";
  const before = old.spec.workdir?.branch;
  const renames = before !== undefined && before === `fleet/${from}` && !options.keepBranch;
  const after = renames ? `fleet/${to}` : before;
  const oldPaths = agentPaths(agent.transport.fleetDir, from);
  const newPaths = agentPaths(agent.transport.fleetDir, to);
  const workdir = old.workdir.startsWith(`${oldPaths.dir}/`)
    ? `${newPaths.dir}${old.workdir.slice(oldPaths.dir.length)}`
    : old.workdir;
  const spec = {
    ...old.spec,
    name: to,
    ...(old.spec.workdir && after !== undefined
      ? { workdir: { ...old.spec.workdir, branch: after } }
      : {}),
  };
  const record: AgentRecord = { ...old, name: to, spec, specHash: specHash(spec), workdir };

  // On this machine the branch is the source repo's own: renamed there, first.
  const local = h.provider.name === "local";
  const repo =
    local && renames && old.spec.workdir ? await repoOf(old.spec.workdir.from) : undefined;
  if (repo && before !== undefined && after !== undefined) {
    await renameLocalBranch(repo.top, before, after);
  }
  // Its CLI keeps conversations by work dir path (Claude Code): they follow the work dir.
  const type = await getAgentType(old.spec.agent);
  const conversationBefore = type.conversationDir?.(old.spec, old.workdir);
  const conversationAfter = type.conversationDir?.(spec, workdir);
  const movesConversation =
    conversationBefore !== undefined &&
    conversationAfter !== undefined &&
    conversationBefore !== conversationAfter;
  const staged = `${oldPaths.dir}/agent.json.renamed`;
  const text = serializeRecord(sealRecord(h.ctx.env.home, record));
  const remoteBranch = !local && renames && before !== undefined && after !== undefined;
  try {
    await runScript(
      agent.transport,
      `renaming agent ${from} to ${to}`,
      [
        'fail() { echo "@@fleet:error $*"; exit 1; }',
        `old=${q(oldPaths.dir)} new=${q(newPaths.dir)}`,
        '[ ! -e "$new" ] || fail "$new already exists on the host"',
        ...(remoteBranch
          ? [
              `if [ -e "$old/work/.git" ] && git -C "$old/work" show-ref --verify --quiet ${q(`refs/heads/${after}`)}; then fail ${q(`branch ${after} already exists on the host`)}; fi`,
            ]
          : []),
        killOwnSessionLine(agent.session, from),
        `printf '%s' ${q(text)} > ${q(staged)} || fail "cannot write the new record"`,
        'mv "$old" "$new" || { rm -f ' + q(staged) + '; fail "cannot move $old"; }',
        `mv -f "$new/agent.json.renamed" ${q(newPaths.record)} || fail "cannot put the new record in place"`,
        // The worktree's links to its repo (both ways) follow it to its new place.
        'if [ -e "$new/work/.git" ]; then git -C "$new/work" worktree repair >&2 || fail "cannot repair the worktree"; fi',
        ...(remoteBranch
          ? [
              `git -C "$new/work" branch -m ${q(before)} ${q(after)} >&2 || fail ${q(`cannot rename branch ${before}`)}`,
              `if tip=$(git -C "$new/work" rev-parse -q --verify ${q(controllerRef(before))}); then git -C "$new/work" update-ref ${q(controllerRef(after))} "$tip" && git -C "$new/work" update-ref -d ${q(controllerRef(before))}; fi`,
            ]
          : []),
        ...(movesConversation
          ? [
              `fleet_cb="$new"/${q(conversationBefore)} fleet_ca="$new"/${q(conversationAfter)}`,
              'if [ -d "$fleet_cb" ] && [ ! -L "$fleet_cb" ] && [ ! -e "$fleet_ca" ]; then mkdir -p "$(dirname "$fleet_ca")" && mv "$fleet_cb" "$fleet_ca" || fail "cannot move its conversation"; fi',
            ]
          : []),
        ...appendEventLines(newPaths, "renamed", { from, to, branch: after ?? null }),
      ].join("\n"),
    );
  } catch (error) {
    if (repo && before !== undefined && after !== undefined) {
      await renameLocalBranch(repo.top, after, before).catch(() => undefined);
    }
    throw error;
  }
  return {
    record,
    wasUp,
    branch: before === undefined || after === undefined ? null : { before, after },
  };
}

async function renameLocalBranch(top: string, from: string, to: string): Promise<void> {
  if ((await commitOf(top, `refs/heads/${to}`)) !== undefined) {
    throw new FleetError("BRANCH_EXISTS", `branch ${to} already exists in ${top}`, {
      hint: "delete or rename that branch first, or pass --keep-branch to keep the agent's",
      exitCode: 2,
    });
  }
  const renamed = await localGit(top, ["branch", "-m", "--end-of-options", from, to]);
  if (renamed.code !== 0) {
    throw new FleetError(
      "GIT_FAILED",
      `cannot rename branch ${from} to ${to}: ${lastLine(renamed.stderr)}`,
      { fault: "system" },
    );
  }
}
