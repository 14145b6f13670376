/** The list's filters: by fleet, host, state and labels (`key=value`, `key!=value`, `key`). */
import type { AgentView } from "./api.ts";

export interface Filters {
  fleet: string;
  host: string;
  state: string;
  labels: string;
}

export const NO_FILTERS: Filters = { fleet: "", host: "", state: "", labels: "" };

function labelMatches(agent: AgentView, selector: string): boolean {
  const not = /^([^=!]+)!=(.*)$/.exec(selector);
  if (not) return agent.labels[not[1] ?? ""] !== not[2];
  const eq = /^([^=!]+)=(.*)$/.exec(selector);
  if (eq) return agent.labels[eq[1] ?? ""] === eq[2];
  return selector in agent.labels;
}

export function applyFilters(agents: readonly AgentView[], filters: Filters): AgentView[] {
  const selectors = filters.labels.split(/[\s,]+/).filter((s) => s !== "");
  return agents.filter(
    (a) =>
      (filters.fleet === "" || (a.fleet ?? "-") === filters.fleet) &&
      (filters.host === "" || a.host === filters.host) &&
      (filters.state === "" || a.state === filters.state) &&
      selectors.every((s) => labelMatches(a, s)),
  );
}

export const distinct = (values: readonly string[]): string[] => [...new Set(values)].sort();
