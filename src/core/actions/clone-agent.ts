/**
 * `fleet clone SRC NEW [--host H]`: a new agent, owned by no fleet file, with
 * SRC's spec (less its first message: the clone carries on, it does not start
 * over), on its own branch made at SRC's HEAD, with SRC's uncommitted work as it
 * is (src/core/host/work-copy.ts) and, if asked, its conversation
 * (src/core/host/conversation-copy.ts). SRC is read, never changed. `fleet migrate`
 * makes its copy with the same steps, under the same name.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { shellQuote as q, type Transport } from "../contracts/transport.ts";
import { agentPaths, assertAgentName, sessionName, type AgentPaths } from "../host/agent-record.ts";
import { killOwnSessionLine } from "../host/own-session.ts";
import { createAgent } from "../host/create-agent.ts";
import { openHost, type HostHandle } from "../host/handle.ts";
import { localGit, repoOf } from "../host/local-git.ts";
import { placeBranch } from "../host/place-branch.ts";
import { requireAgent } from "../host/read-agent.ts";
import { undoCreate } from "../host/undo-create.ts";
import { captureWork, restoreWork, type CapturedWork } from "../host/work-copy.ts";
import type { AgentSpec, HostSpec, LiveAgent } from "../model.ts";
import { getAgentType, getProvider } from "../registry.ts";
import type { AgentType } from "../contracts/agent-type.ts";
import {
  placeConversation,
  takeConversation,
  type ConversationFile,
} from "../host/conversation-copy.ts";
import { resolveSecrets } from "../secrets.ts";
import { rememberLocation } from "../state/location-cache.ts";
import { resolveAgent } from "../state/resolve-agent.ts";
import { suggest } from "../suggest.ts";
import { readLive, withHostLock } from "./agent-target.ts";

export interface CloneRequest {
  /** SRC: NAME or NAME@HOST. */
  source: string;
  name: string;
  /** The new agent's host (default: SRC's). */
  host?: string;
  /** Copy SRC's conversation too, so the new agent resumes it (where its type can). */
  conversation?: boolean;
}

export interface CloneResult {
  source: { name: string; host: string; fleet: string | null };
  agent: LiveAgent;
  /** The new agent's branch, or null for a work dir that is not a git repo. */
  branch: string | null;
  /** The commit the branch was made at (SRC's HEAD), or null. */
  base: string | null;
  /** Paths with uncommitted changes copied (git work dirs). */
  uncommitted: number;
  /** What was copied, and the repo here that holds it (git work dirs). */
  work: CapturedWork;
  repo: string | undefined;
  /** Conversation files copied, or null when the conversation was not copied. */
  conversation: number | null;
}

export async function cloneAgent(
  request: CloneRequest,
  ctx: ProviderContext,
  callerEnv: NodeJS.ProcessEnv,
): Promise<CloneResult> {
  checkNewName(request.name);
  const { live, hosts } = await readLive(ctx);
  const found = resolveAgent(request.source, live, hosts);
  const existing = live.agents.find((a) => a.name === request.name);
  if (existing) throw agentExists(request.name, existing.host);
  const target = request.host === undefined ? found.host : findKnownHost(request.host, hosts);
  const source = await handleOf(found.host, ctx);
  return copyAgent(source, found.agent.name, await handleOf(target, ctx), {
    name: request.name,
    branch: (srcBranch) => (srcBranch === undefined ? undefined : `fleet/${request.name}`),
    callerEnv,
    ...(request.conversation === true ? { conversation: "required" as const } : {}),
  });
}

export interface CopyOptions {
  name: string;
  /** The copy's branch, from SRC's (undefined: no git work dir). */
  branch: (sourceBranch: string | undefined) => string | undefined;
  callerEnv: NodeJS.ProcessEnv;
  /** The copy's branch may be SRC's own (migrate): moved forward to SRC's HEAD here. */
  sameBranch?: boolean;
  /** Copy the conversation: `required` fails where the agent type cannot, `if-supported` skips. */
  conversation?: "required" | "if-supported";
}

/** Takes SRC's work under its host's lock, then makes the copy under the target's. */
export async function copyAgent(
  source: HostHandle,
  sourceName: string,
  target: HostHandle,
  options: CopyOptions,
): Promise<CloneResult> {
  const progress = (message: string): void =>
    source.ctx.io.notify({ level: "progress", code: "clone.step", message });
  progress(`taking the work of ${sourceName}@${source.host.name}`);
  const {
    agent: src,
    work,
    repo,
    conversation,
  } = await withHostLock(source, async () => {
    const agent = await requireAgent(source, sourceName);
    const type = await getAgentType(agent.record.spec.agent);
    const dir = type.conversationDir?.(agent.record.spec, agent.record.workdir);
    if (dir === undefined && options.conversation === "required") {
      throw conversationUnsupported(sourceName, type.name);
    }
    const from = agent.record.spec.workdir?.from;
    const repo = from === undefined ? undefined : (await repoOf(from))?.top;
    const work = await captureWork(
      agent.transport,
      { name: sourceName, workdir: agent.record.workdir },
      repo,
    );
    const conversation =
      dir === undefined || options.conversation === undefined
        ? undefined
        : {
            type,
            files: await takeConversation(
              agent.transport,
              agentPaths(agent.transport.fleetDir, sourceName).dir,
              dir,
              sourceName,
            ),
          };
    return { agent, work, repo, conversation };
  });
  const srcSpec = src.record.spec;
  const branch = work.kind === "git" ? options.branch(srcSpec.workdir?.branch) : undefined;
  const { message: _firstMessage, ...kept } = srcSpec;
  const spec: AgentSpec = {
    ...kept,
    name: options.name,
    host: target.host.name,
    ...(srcSpec.workdir && branch !== undefined
      ? { workdir: { from: srcSpec.workdir.from, branch } }
      : {}),
  };
  const secrets = resolveSecrets(spec.secrets, options.callerEnv);

  const made =
    repo !== undefined && work.kind === "git" && branch !== undefined
      ? await placeBranch(repo, branch, work.head, options.sameBranch === true)
      : false;
  progress(`making ${options.name} on ${target.host.name}`);
  try {
    const agent = await withHostLock(target, async () => {
      const there = (await target.provider.discover([target.host], target.ctx)).agents;
      const clash = there.find((a) => a.name === options.name);
      if (clash) throw agentExists(options.name, target.host.name);
      return makeCopy(target, spec, work, repo, secrets, conversation);
    });
    rememberLocation(target.ctx.env, agent.name, agent.host);
    return {
      source: { name: src.record.name, host: source.host.name, fleet: src.record.fleet },
      agent,
      branch: branch ?? null,
      base: work.kind === "git" ? work.head : null,
      uncommitted: work.kind === "git" ? work.changed : 0,
      work,
      repo,
      conversation: conversation?.files.length ?? null,
    };
  } catch (error) {
    if (made && repo !== undefined && branch !== undefined) {
      await localGit(repo, ["update-ref", "-d", "--end-of-options", `refs/heads/${branch}`]);
    }
    throw error;
  }
}

async function makeCopy(
  target: HostHandle,
  spec: AgentSpec,
  work: CapturedWork,
  repo: string | undefined,
  secrets: Record<string, string>,
  conversation: { type: AgentType; files: ConversationFile[] } | undefined,
): Promise<LiveAgent> {
  const { transport, prefix } = await openHost(target);
  const paths = agentPaths(transport.fleetDir, spec.name);
  const undo = () =>
    undoCreate(transport, paths, sessionName(prefix, spec.name), {}).catch(() => undefined);
  try {
    // The work is in place before the agent starts; create then finds the work dir made.
    const workdir = await target.provider.prepareWorkdir(target.host, spec, paths.dir, target.ctx);
    await restoreWork(transport, { name: spec.name, workdir }, work, repo);
    if (conversation !== undefined && conversation.files.length > 0) {
      // Where the new agent's CLI looks for the conversations of its own work dir.
      const dir = conversation.type.conversationDir?.(spec, workdir);
      if (dir === undefined) throw conversationUnsupported(spec.name, conversation.type.name);
      await placeConversation(transport, paths.dir, dir, conversation.files, spec.name);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  try {
    return await createAgent(target, spec, { fleet: null, secrets });
  } catch (error) {
    // A copy that did not start is not kept (create keeps a DONE agent to look at):
    // its work is the source's, which is still there.
    await removeCopy(transport, paths, sessionName(prefix, spec.name), spec.name).catch(
      () => undefined,
    );
    throw error;
  }
}

async function removeCopy(
  transport: Transport,
  paths: AgentPaths,
  session: string,
  name: string,
): Promise<void> {
  await transport.script(
    [
      killOwnSessionLine(session, name),
      `if [ -e ${q(`${paths.work}/.git`)} ]; then`,
      `  fleet_common=$(git -C ${q(paths.work)} rev-parse --path-format=absolute --git-common-dir 2>/dev/null)`,
      "fi",
      `rm -rf ${q(paths.dir)}`,
      '[ -z "$fleet_common" ] || git --git-dir="$fleet_common" worktree prune 2>/dev/null',
      "exit 0",
    ].join("\n"),
  );
}

/** An invalid new name is the caller's input: a usage error, nothing done. */
export function checkNewName(name: string): void {
  try {
    assertAgentName(name);
  } catch (error) {
    if (error instanceof FleetError) {
      throw new FleetError(error.code, error.message, {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        exitCode: 2,
      });
    }
    throw error;
  }
}

const conversationUnsupported = (name: string, type: string): FleetError =>
  new FleetError(
    "CONVERSATION_UNSUPPORTED",
    `agent ${name}'s conversation cannot be copied: fleet does not know where ${type} keeps it for this agent`,
    {
      hint: "clone it without --conversation (claude and codex agents in fleet's own config dirs can be copied)",
      exitCode: 2,
    },
  );

export const agentExists = (name: string, host: string): FleetError =>
  new FleetError("AGENT_EXISTS", `an agent named "${name}" already exists (on host ${host})`, {
    hint: "pick another name",
    exitCode: 2,
  });

export function findKnownHost(name: string, hosts: readonly HostSpec[]): HostSpec {
  const host = hosts.find((h) => h.name === name);
  if (host) return host;
  const near = suggest(
    name,
    hosts.map((h) => h.name),
  );
  throw new FleetError("HOST_NOT_FOUND", `unknown host "${name}"`, {
    hint: near
      ? `did you mean "${near}"?`
      : `known hosts: ${hosts.map((h) => h.name).join(", ")} (\`fleet host ls\`); a fleet file's hosts are known once applied`,
    exitCode: 2,
  });
}

export async function handleOf(host: HostSpec, ctx: ProviderContext): Promise<HostHandle> {
  return { provider: await getProvider(host.provider), host, ctx };
}
