/** The live list: every agent on every known host, filtered; a table, or cards on a phone. */
import { useEffect, useState } from "preact/hooks";
import type { AgentView, ProblemView } from "./api.ts";
import { applyFilters, distinct, type Filters } from "./filters.ts";
import { idleWords, labelWords, serviceWords, stateWord, tokenWords } from "./format.ts";

const STATES = ["RUNNING", "WAITING", "STOPPED", "DONE", "MISSING"];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const agentHref = (a: AgentView): string =>
  `#/agent/${encodeURIComponent(a.host)}/${encodeURIComponent(a.name)}`;

function Select(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select
        name={props.label}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        <option value="">all</option>
        {props.options.map((o) => (
          <option value={o} key={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AgentList(props: {
  agents: AgentView[];
  problems: ProblemView[];
  filters: Filters;
  onFilters: (filters: Filters) => void;
}) {
  const now = useNow(1000);
  const { filters, onFilters } = props;
  const shown = applyFilters(props.agents, filters);
  return (
    <section class="list">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Select
          label="fleet"
          value={filters.fleet}
          options={distinct(props.agents.map((a) => a.fleet ?? "-"))}
          onChange={(fleet) => onFilters({ ...filters, fleet })}
        />
        <Select
          label="host"
          value={filters.host}
          options={distinct(props.agents.map((a) => a.host))}
          onChange={(host) => onFilters({ ...filters, host })}
        />
        <Select
          label="state"
          value={filters.state}
          options={STATES}
          onChange={(state) => onFilters({ ...filters, state })}
        />
        <label>
          labels
          <input
            name="labels"
            placeholder="team=docs"
            value={filters.labels}
            onInput={(e) => onFilters({ ...filters, labels: (e.target as HTMLInputElement).value })}
          />
        </label>
      </form>
      <p class="count">
        {shown.length === props.agents.length
          ? `${props.agents.length} agents`
          : `${shown.length} of ${props.agents.length} agents`}
      </p>
      {props.agents.length === 0 ? (
        <p class="empty">No agents yet. Apply a fleet file, or `fleet create NAME`.</p>
      ) : null}
      <table class="agents">
        <thead>
          <tr>
            <th>agent</th>
            <th>state</th>
            <th>host</th>
            <th>fleet</th>
            <th>labels</th>
            <th>services</th>
            <th>idle</th>
            <th>tokens</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id} data-agent={a.id} data-state={a.state}>
              <td class="name">
                <a href={agentHref(a)}>{a.name}</a>
                <span class="type">{a.type}</span>
              </td>
              <td class="state">
                <span class={`badge ${a.state.toLowerCase()}`}>{stateWord(a)}</span>
              </td>
              <td data-label="host">{a.host}</td>
              <td data-label="fleet">{a.fleet ?? "-"}</td>
              <td data-label="labels">
                {labelWords(a.labels).map((l) => (
                  <span class="chip" key={l}>
                    {l}
                  </span>
                ))}
              </td>
              <td data-label="services">{serviceWords(a).join(", ") || "-"}</td>
              <td data-label="idle" class="idle">
                {idleWords(a, now)}
              </td>
              <td data-label="tokens">{tokenWords(a)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.problems.map((p) => (
        <p class="problem" key={`${p.host}/${p.agent ?? ""}`}>
          {p.host}
          {p.agent === null ? "" : `/${p.agent}`}: {p.state}: {p.message}
        </p>
      ))}
    </section>
  );
}
