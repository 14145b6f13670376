/**
 * `fleet label` and `fleet limit`: change an agent's recorded spec in place
 * (labels, idle timeout), for agents no fleet file owns. An agent a fleet file
 * owns is that file's to change: the next apply would undo the edit, so it is
 * refused with where to make it instead. The record is read again and written
 * under the host's lock, and only a record this controller signed is changed.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { FleetError } from "../errors.ts";
import { updateAgent } from "../host/lifecycle.ts";
import { requireAgent } from "../host/read-agent.ts";
import type { AgentSpec, LiveAgent } from "../model.ts";
import { findAgent, withHostLock } from "./agent-target.ts";

export interface EditResult<T> {
  agent: LiveAgent;
  /** What the edit reports (what changed); `changed` false when the spec stayed the same. */
  outcome: T;
  changed: boolean;
}

/**
 * `edit` returns the new spec (or the same one: nothing is written) and what to
 * report. `field` names the fleet file's field, for the error about owned agents.
 */
export async function editUnownedAgent<T>(
  ref: string,
  ctx: ProviderContext,
  field: string,
  edit: (spec: AgentSpec) => { spec: AgentSpec; outcome: T; changed: boolean },
): Promise<EditResult<T>> {
  const { agent: found, handle } = await findAgent(ref, ctx);
  refuseOwned(found, field);
  return withHostLock(handle, async () => {
    const { live } = await requireAgent(handle, found.name);
    refuseOwned(live, field);
    const { spec, outcome, changed } = edit(live.spec);
    if (!changed) return { agent: live, outcome, changed };
    return { agent: await updateAgent(handle, spec), outcome, changed };
  });
}

function refuseOwned(agent: LiveAgent, field: string): void {
  if (agent.fleet === null) return;
  throw new FleetError(
    "AGENT_OWNED_BY_FLEET_FILE",
    `agent ${agent.name}@${agent.host} belongs to fleet "${agent.fleet}": its fleet file says its ${field}`,
    {
      hint: `set ${field} under agents.${agent.name} in fleet "${agent.fleet}"'s fleet file, then \`fleet plan\` and \`fleet apply\``,
      details: { agent: agent.name, host: agent.host, fleet: agent.fleet },
    },
  );
}
