import { FleetError } from "../errors.ts";
import type { HostSpec, LiveAgent, LiveState } from "../model.ts";
import { suggest } from "../suggest.ts";

export interface ResolvedAgent {
  agent: LiveAgent;
  host: HostSpec;
}

/**
 * Finds `NAME` or `NAME@HOST` among live agents. A name on several hosts must be
 * qualified; an unknown name gets a near-miss suggestion.
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
    (a) => a.name === name && (hostName === undefined || a.host === hostName),
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
    const hints = [
      near ? `did you mean "${near}"?` : "`fleet list` shows the agents there are",
      unreadable.length > 0 ? `could not read host(s): ${unreadable.join(", ")}` : "",
    ].filter(Boolean);
    throw new FleetError("AGENT_NOT_FOUND", `no agent named "${ref}"`, { hint: hints.join("; ") });
  }
  const host = hosts.find((h) => h.name === agent.host);
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
