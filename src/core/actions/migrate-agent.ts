/**
 * `fleet migrate AGENT --to HOST`: the agent is stopped (so its work holds
 * still), copied to HOST under the same name and branch with its uncommitted
 * work (copyAgent), and only once the copy runs is the original destroyed, its
 * work saved as destroy saves it. Until then nothing of the original is
 * changed; a copy that fails leaves it as it was, started again if it ran.
 * An agent a fleet file owns is moved by editing its `host:` and applying.
 */
import { join } from "node:path";
import type { ProviderContext } from "../contracts/provider.ts";
import { shellQuote as q } from "../contracts/transport.ts";
import { savedWorkDir } from "../env.ts";
import { FleetError, usageError } from "../errors.ts";
import { destroyAgent } from "../host/destroy-agent.ts";
import type { HostHandle } from "../host/handle.ts";
import { runScript } from "../host/handle.ts";
import { startAgent, stopAgent } from "../host/lifecycle.ts";
import { requireAgent } from "../host/read-agent.ts";
import type { SavedWork } from "../host/saved-work.ts";
import { bundleOfWork } from "../host/work-copy.ts";
import type { LiveAgent } from "../model.ts";
import { moveOwnerRecord } from "../owners/owner-store.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";
import { resolveSecrets } from "../secrets.ts";
import { forgetLocation } from "../state/location-cache.ts";
import { resolveAgent } from "../state/resolve-agent.ts";
import { readLive, withHostLock } from "./agent-target.ts";
import { copyAgent, findKnownHost, handleOf, type CloneResult } from "./clone-agent.ts";

export interface MigrateResult {
  name: string;
  from: string;
  to: string;
  agent: LiveAgent;
  branch: string | null;
  uncommitted: number;
  /** Where the original's work was saved before it was removed. */
  saved: SavedWork[];
}

export async function migrateAgent(
  request: { ref: string; to: string },
  ctx: ProviderContext,
  callerEnv: NodeJS.ProcessEnv,
): Promise<MigrateResult> {
  const { live, hosts } = await readLive(ctx);
  const found = resolveAgent(request.ref, live, hosts);
  const { agent } = found;
  if (agent.fleet !== null) throw fleetOwned(agent, request.to);
  const target = findKnownHost(request.to, hosts);
  if (target.name === found.host.name) {
    throw usageError(`agent ${agent.name} already runs on host ${target.name}`);
  }
  if (target.provider === "local" && found.host.provider === "local") {
    throw usageError(
      `hosts ${found.host.name} and ${target.name} are both this machine: there is nothing to move`,
      "use `fleet rename` to give the agent another name",
    );
  }
  const clash = live.agents.find((a) => a.name === agent.name && a.host === target.name);
  if (clash) {
    throw new FleetError(
      "AGENT_EXISTS",
      `host ${target.name} already has an agent named ${agent.name}`,
      {
        hint: `destroy or rename that one first, or clone under a new name (\`fleet clone ${agent.name} NEW --host ${target.name}\`)`,
        exitCode: 2,
      },
    );
  }
  // Checked before anything stops: the copy must be able to start.
  resolveSecrets(agent.spec.secrets, callerEnv);
  const source = await handleOf(found.host, ctx);
  const wasUp = agent.state === "RUNNING" || agent.state === "WAITING";
  const progress = (message: string): void =>
    ctx.io.notify({ level: "progress", code: "migrate.step", message });

  progress(`stopping ${agent.name}@${source.host.name}`);
  await withHostLock(source, () =>
    stopAgent(source, agent.name, { reason: `migrating to host ${target.name}` }),
  );
  let copy: CloneResult;
  try {
    copy = await copyAgent(source, agent.name, await handleOf(target, ctx), {
      name: agent.name,
      branch: (branch) => branch,
      sameBranch: true,
      callerEnv,
      // The moved agent carries on its conversation where its type allows it.
      conversation: "if-supported",
    });
  } catch (error) {
    if (wasUp) {
      await withHostLock(source, () =>
        startAgent(source, agent.name, { secrets: resolveSecrets(agent.spec.secrets, callerEnv) }),
      ).catch(() => undefined);
    }
    throw error;
  }

  progress(`removing ${agent.name}@${source.host.name}, its work saved`);
  const saved = await withHostLock(source, () => removeOriginal(source, agent.name, copy));
  forgetLocation(ctx.env, agent.name, source.host.name);
  await moveOwnerRecord(ctx.env.home, agent, copy.agent).catch(() => undefined);
  return {
    name: agent.name,
    from: source.host.name,
    to: target.name,
    agent: copy.agent,
    branch: copy.branch,
    uncommitted: copy.uncommitted,
    saved,
  };
}

/**
 * Destroys the original, which saves its work. An original on this machine
 * shares its branch with the repo here, where destroy would commit its
 * uncommitted work onto it and set it apart from the copy's: that work is kept
 * as a bundle instead, and the original's work dir set back to its HEAD first.
 */
async function removeOriginal(
  source: HostHandle,
  name: string,
  copy: CloneResult,
): Promise<SavedWork[]> {
  const saved: SavedWork[] = [];
  const { work, repo } = copy;
  if (source.provider.name === "local" && work.kind === "git" && repo !== undefined) {
    const ref = `refs/fleet/migrated/${name}`;
    const file = join(savedWorkDir(source.ctx.env), `${name}-${utcStamp()}-migrated.bundle`);
    await mkdirPrivate(savedWorkDir(source.ctx.env));
    await writePrivateFile(file, await bundleOfWork(repo, work, ref));
    saved.push({
      kind: "bundle",
      location: file,
      description: `git bundle of the uncommitted work of ${name} as it was moved (on top of ${work.head.slice(0, 12)}, its branch's tip); fetch it with \`git fetch ${q(file)} ${ref}\``,
    });
    const original = await requireAgent(source, name);
    await runScript(
      original.transport,
      `setting the work dir of the original ${name} back to its HEAD`,
      `cd ${q(original.record.workdir)} && cd "$(git rev-parse --show-toplevel)" && git reset -q --hard && git clean -qfd`,
    );
  }
  const destroyed = await destroyAgent(source, name);
  return [...saved, ...destroyed.saved];
}

function fleetOwned(agent: LiveAgent, to: string): FleetError {
  return new FleetError(
    "FLEET_OWNED",
    `agent ${agent.name} belongs to fleet "${agent.fleet ?? ""}": its fleet file says where it runs`,
    {
      hint: `set \`host: ${to}\` under agents.${agent.name} in that fleet file, then \`fleet plan\` and \`fleet apply\` (apply saves its work before it moves it); or \`fleet clone ${agent.name} NEW --host ${to}\` for a copy owned by no fleet file`,
    },
  );
}

const utcStamp = (): string =>
  new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
