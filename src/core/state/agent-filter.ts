/**
 * Which live agents a command's filters pick (`--host`, `--state`, `--fleet`,
 * `-l`), and which filters name something that does not exist, so that "nothing
 * matched" can say why. Pure.
 */
import { usageError } from "../errors.ts";
import { type LabelRequirement, matchesLabels, parseSelectors } from "../label-selector.ts";
import type { HostSpec, LiveAgent, LiveState } from "../model.ts";
import { suggest } from "../suggest.ts";
import { answersToHost } from "./local-hosts.ts";

export const AGENT_STATES = ["running", "waiting", "stopped", "done", "missing"] as const;

export interface AgentFilterOptions {
  host?: string;
  state?: string;
  fleet?: string;
  /** Label selectors as given on the command line (`-l`). */
  labels?: readonly string[];
}

export interface AgentFilter {
  host?: string;
  state?: string;
  fleet?: string;
  labels: LabelRequirement[];
}

/** Checks the filters' syntax; a bad state or selector is a usage error. */
export function parseAgentFilter(options: AgentFilterOptions): AgentFilter {
  const state = options.state?.toLowerCase();
  if (state !== undefined && !(AGENT_STATES as readonly string[]).includes(state)) {
    throw usageError(
      `unknown state "${options.state ?? ""}"`,
      `use one of: ${AGENT_STATES.join(", ")}`,
    );
  }
  return {
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(state === undefined ? {} : { state }),
    ...(options.fleet === undefined ? {} : { fleet: options.fleet }),
    labels: parseSelectors(options.labels ?? []),
  };
}

export function filterAgents(agents: readonly LiveAgent[], filter: AgentFilter): LiveAgent[] {
  return agents.filter(
    (a) =>
      (filter.host === undefined || answersToHost(a, filter.host)) &&
      (filter.state === undefined || a.state.toLowerCase() === filter.state) &&
      (filter.fleet === undefined || (a.fleet ?? "-") === filter.fleet) &&
      matchesLabels(a.spec.labels, filter.labels),
  );
}

/** Warnings for a `--host` no known host has, or a `--fleet` no agent belongs to. */
export function unknownFilterWarnings(
  filter: AgentFilter,
  live: LiveState,
  hosts: readonly HostSpec[],
): string[] {
  const warnings: string[] = [];
  const hostNames = new Set([...hosts.map((h) => h.name), ...live.agents.map((a) => a.host)]);
  if (filter.host !== undefined && !hostNames.has(filter.host)) {
    const near = suggest(filter.host, hostNames);
    warnings.push(
      `no host named "${filter.host}" is known${near ? ` (did you mean "${near}"?)` : ""}; known hosts: ${[...hostNames].sort().join(", ")}`,
    );
  }
  const fleets = new Set(live.agents.map((a) => a.fleet ?? "-"));
  if (filter.fleet !== undefined && !fleets.has(filter.fleet)) {
    const near = suggest(filter.fleet, fleets);
    warnings.push(
      `no agent belongs to a fleet named "${filter.fleet}"${near ? ` (did you mean "${near}"?)` : ""}`,
    );
  }
  return warnings;
}
