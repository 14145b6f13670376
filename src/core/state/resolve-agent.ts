import { FleetError } from "../errors.ts";
import type { HostSpec, LiveAgent, LiveState } from "../model.ts";
import { suggest } from "../suggest.ts";
import { answersToHost, LOCAL_PROVIDER, localHostSpec } from "./local-hosts.ts";

export interface ResolvedAgent {
  agent: LiveAgent;
  host: HostSpec;
}

/**
 * Finds `NAME` or `NAME@HOST` among live agents. A name on several hosts must be
 * qualified; an unknown name gets a near-miss suggestion. `NAME@local` finds the
 * agent on this machine whatever local host name it was declared on; any other
 * host name must be the agent's own (see local-hosts.ts).
 */
export function resolveAgent(
  ref: string,
  live: LiveState,
  hosts: readonly HostSpec[],
): ResolvedAgent {
  const at = ref.lastIndexOf("@");
  const name = at > 0 ? ref.slice(0, at) : ref;
  const hostName = at > 0 ? ref.slice(at + 1) : undefined;
  const matches = live.agents.filter(
    (a) => a.name === name && (hostName === undefined || answersToHost(a, hostName)),
  );
  if (matches.length > 1) {
    throw new FleetError("AGENT_AMBIGUOUS", `agent "${name}" exists on several hosts`, {
      hint: `name one of: ${matches.map((a) => `${a.name}@${a.host}`).join(", ")}`,
    });
  }
  const agent = matches[0];
  if (!agent) {
    const unreadable = live.errors.map((e) => e.host);
    const near = suggest(name, new Set(live.agents.map((a) => a.name)));
    const elsewhere = live.agents.filter((a) => a.name === name).map((a) => `${a.name}@${a.host}`);
    const hints = [
      elsewhere.length > 0
        ? `it is on another host: ${elsewhere.join(", ")}`
        : near
          ? `did you mean "${near}"?`
          : "`fleet list` shows the agents there are",
      unreadable.length > 0 ? `could not read host(s): ${unreadable.join(", ")}` : "",
    ].filter(Boolean);
    throw new FleetError("AGENT_NOT_FOUND", `no agent named "${ref}"`, { hint: hints.join("; ") });
  }
  const host =
    hosts.find((h) => h.name === agent.host) ??
    (agent.provider === LOCAL_PROVIDER ? localHostSpec(agent.host) : undefined);
  if (!host) {
    throw new FleetError(
      "HOST_NOT_FOUND",
      `agent "${ref}" is on host "${agent.host}", which is not known`,
      {
        fault: "system",
      },
    );
  }
  return { agent, host };
}
