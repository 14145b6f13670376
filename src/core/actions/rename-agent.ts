/**
 * `fleet rename OLD NEW`: the same agent under a new name, on the same host, with
 * its work dir, record, branch (`fleet/OLD` becomes `fleet/NEW` unless kept),
 * session (started again under the new name if it ran) and this machine's
 * records of it (location cache, owner, bus membership). An agent a fleet file
 * owns is renamed in that file.
 */
import { leaveBus } from "../bus/members.ts";
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { startAgent } from "../host/lifecycle.ts";
import { renameAgentOnHost } from "../host/rename-agent.ts";
import type { LiveAgent } from "../model.ts";
import { moveOwnerRecord } from "../owners/owner-store.ts";
import { resolveSecrets } from "../secrets.ts";
import { forgetLocation, rememberLocation } from "../state/location-cache.ts";
import { resolveAgent } from "../state/resolve-agent.ts";
import { readLive, withHostLock } from "./agent-target.ts";
import { agentExists, checkNewName, handleOf } from "./clone-agent.ts";

export interface RenameResult {
  from: string;
  to: string;
  host: string;
  state: LiveAgent["state"];
  workdir: string;
  /** The branch before and after (the same when kept), or null without a git work dir. */
  branch: { before: string; after: string } | null;
}

export async function renameAgent(
  request: { ref: string; name: string; keepBranch?: boolean },
  ctx: ProviderContext,
  callerEnv: NodeJS.ProcessEnv,
): Promise<RenameResult> {
  checkNewName(request.name);
  const { live, hosts } = await readLive(ctx);
  const { agent, host } = resolveAgent(request.ref, live, hosts);
  if (agent.fleet !== null) {
    throw new FleetError(
      "FLEET_OWNED",
      `agent ${agent.name} belongs to fleet "${agent.fleet}": its name is the fleet file's`,
      {
        hint: `rename agents.${agent.name} to ${request.name} in that fleet file, then \`fleet plan\` (it shows ${agent.name} deleted, its work saved, and ${request.name} created) and \`fleet apply\``,
      },
    );
  }
  if (request.name === agent.name) throw agentExists(request.name, agent.host);
  const clash = live.agents.find((a) => a.name === request.name);
  if (clash) throw agentExists(request.name, clash.host);
  const secrets = resolveSecrets(agent.spec.secrets, callerEnv);
  const handle = await handleOf(host, ctx);

  const renamed = await withHostLock(handle, async () => {
    const done = await renameAgentOnHost(handle, agent.name, request.name, {
      keepBranch: request.keepBranch === true,
    });
    const started = done.wasUp ? await startAgent(handle, request.name, { secrets }) : undefined;
    return { ...done, state: started?.state ?? agent.state };
  });
  forgetLocation(ctx.env, agent.name, host.name);
  rememberLocation(ctx.env, request.name, host.name);
  await leaveBus(ctx.env, host.name, agent.name);
  await moveOwnerRecord(ctx.env.home, agent, { ...agent, name: request.name }).catch(
    () => undefined,
  );
  return {
    from: agent.name,
    to: request.name,
    host: host.name,
    state: renamed.state,
    workdir: renamed.record.workdir,
    branch: renamed.branch,
  };
}
