import { FleetError } from "../errors.ts";
import { recordProblem } from "../host/read-agent.ts";
import type { HostError, HostSpec, LiveAgent, LiveState } from "../model.ts";
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
 * host name must be the agent's own (see local-hosts.ts). An agent whose record
 * could not be read or trusted is an error here: nothing acts on it.
 */
export function resolveAgent(
  ref: string,
  live: LiveState,
  hosts: readonly HostSpec[],
): ResolvedAgent {
  const found = resolveAgentOrProblem(ref, live, hosts);
  if (found.problem) throw recordProblem(found.problem.error);
  if (!found.agent) throw new Error("unreachable: an agent or its problem is found");
  return { agent: found.agent, host: found.host };
}

export interface AgentOrProblem {
  name: string;
  host: HostSpec;
  /** The live agent, when its record verified. */
  agent?: LiveAgent;
  /** Why its record cannot be acted on (RECORD_TAMPERED, RECORD_UNREADABLE). */
  problem?: HostError;
}

/** Like resolveAgent, but an untrusted agent is returned with its problem (destroy, adopt). */
export function resolveAgentOrProblem(
  ref: string,
  live: LiveState,
  hosts: readonly HostSpec[],
): AgentOrProblem {
  const at = ref.lastIndexOf("@");
  const name = at > 0 ? ref.slice(0, at) : ref;
  const hostName = at > 0 ? ref.slice(at + 1) : undefined;
  const onHost = (at: { host: string; provider: string }): boolean =>
    hostName === undefined || answersToHost(at, hostName);
  const matches = live.agents.filter((a) => a.name === name && onHost(a));
  const problems = live.errors.filter((e) => e.agent === name && onHost(e));
  const where = [...matches.map((a) => a.host), ...problems.map((e) => e.host)];
  if (where.length > 1) {
    throw new FleetError("AGENT_AMBIGUOUS", `agent "${name}" exists on several hosts`, {
      hint: `name one of: ${where.map((host) => `${name}@${host}`).join(", ")}`,
    });
  }
  const agent = matches[0];
  const problem = problems[0];
  const found = agent?.host ?? problem?.host;
  if (found === undefined) {
    const unreadable = live.errors.filter((e) => e.agent === undefined).map((e) => e.host);
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
  const provider = agent?.provider ?? problem?.provider;
  const host =
    hosts.find((h) => h.name === found) ??
    (provider === LOCAL_PROVIDER ? localHostSpec(found) : undefined);
  if (!host) {
    throw new FleetError(
      "HOST_NOT_FOUND",
      `agent "${ref}" is on host "${found}", which is not known`,
      {
        fault: "system",
      },
    );
  }
  return { name, host, ...(agent ? { agent } : {}), ...(problem ? { problem } : {}) };
}
