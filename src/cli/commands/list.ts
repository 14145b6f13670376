import { setTimeout as sleep } from "node:timers/promises";
import { usageError } from "../../core/errors.ts";
import { byText } from "../../core/sort.ts";
import type { HostError, LiveAgent } from "../../core/model.ts";
import { type AgentFilter, parseAgentFilter } from "../../core/state/agent-filter.ts";
import { type AgentListing, listAgents, untrustedState } from "../../core/actions/list-agents.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  jsonText,
  printJson,
  printText,
} from "../context.ts";
import { agentJson, idleSeconds, servicesCell } from "../render/agent-json.ts";
import { renderTable, shortDuration } from "../render/table.ts";
import { OWNER_LABEL } from "../../core/owners/owner-store.ts";

interface ListOptions extends CommonOptions {
  host?: string;
  state?: string;
  fleet?: string;
  selector?: string[];
  watch?: boolean;
}

const WATCH_INTERVAL_MS = 2000;

export async function run(options: ListOptions): Promise<void> {
  const context = cliContext(options, ["table", "json", "jsonl"], "table");
  const filter = parseAgentFilter({ ...options, labels: options.selector ?? [] });
  const filtering =
    options.host !== undefined ||
    options.state !== undefined ||
    options.fleet !== undefined ||
    filter.labels.length > 0;
  if (options.watch === true) {
    if (context.format === "json") {
      throw usageError("--watch prints a stream", "use --format jsonl (or table) with --watch");
    }
    await watch(context, filter);
    return;
  }
  const snapshot = await read(context, filter);
  const now = Date.now();
  const { agents, errors } = snapshot;
  // Agents whose record is TAMPERED or UNREADABLE: a row of their own, next to the others.
  const untrusted = errors.filter((e) => e.agent !== undefined);
  if (context.format === "json") {
    printJson({
      format_version: "1.0",
      agents: agents.map((a) => agentJson(a, now)),
      errors: errors.map((e) => (e.agent === undefined ? e : { ...e, state: untrustedState(e) })),
    });
  } else if (context.format === "jsonl") {
    process.stdout.write(agents.map((a) => jsonText(agentJson(a, now), 0) + "\n").join(""));
  } else if (agents.length > 0 || untrusted.length > 0) {
    process.stdout.write(table(agents, now, untrusted) + "\n");
  } else if (filtering) {
    process.stdout.write("No agents matched.\n");
  } else if (errors.length === 0) {
    process.stdout.write("No agents. Start one with `fleet create NAME` or `fleet apply`.\n");
  }
  warn(context, snapshot);
  if (errors.length > 0) process.exitCode = 1;
}

type Snapshot = AgentListing;
const read = (context: CliContext, filter: AgentFilter): Promise<Snapshot> =>
  listAgents(context, filter);

/** Warnings go to stderr in every format: a JSON reader still gets clean stdout. */
function warn(context: CliContext, snapshot: Snapshot): void {
  for (const message of snapshot.warnings) {
    context.io.notify({ level: "warn", code: "list.unknown-filter", message });
  }
  if (context.format === "json") return;
  for (const error of snapshot.errors) {
    const hint = error.error.hint === undefined ? "" : ` (${error.error.hint})`;
    context.io.notify({
      level: "warn",
      code: error.agent === undefined ? "list.host-error" : "list.agent-error",
      message:
        error.agent === undefined
          ? `host ${error.host} (${error.provider}) could not be read: ${error.error.message}`
          : `${error.error.message}${hint}`,
    });
  }
}

/**
 * Until Ctrl-C: on a terminal the table is redrawn every interval; otherwise the
 * first listing is printed once and then one line (or JSON object) per agent
 * that appeared, changed state or went away.
 */
async function watch(context: CliContext, filter: AgentFilter): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const redraw = process.stdout.isTTY && context.format === "table";
  let previous: Map<string, LiveAgent> | undefined;
  try {
    while (!controller.signal.aborted) {
      const snapshot = await read(context, filter);
      const now = Date.now();
      if (redraw) {
        const body =
          snapshot.agents.length > 0 ? table(snapshot.agents, now) : "No agents matched.";
        process.stdout.write(
          `\x1b[H\x1b[2J${new Date(now).toISOString()}  every ${WATCH_INTERVAL_MS / 1000}s, Ctrl-C to stop\n\n${body}\n`,
        );
      } else {
        const lines = changes(previous, snapshot.agents, context.format, now);
        if (lines !== "") printText(lines);
      }
      if (previous === undefined || redraw) warn(context, snapshot);
      previous = new Map(snapshot.agents.map((a) => [`${a.name}@${a.host}`, a]));
      await sleep(WATCH_INTERVAL_MS, undefined, { signal: controller.signal }).catch(
        () => undefined,
      );
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

const stateWord = (a: LiveAgent): string => {
  if (a.state === "DONE" && a.exitCode !== undefined) return `DONE(${a.exitCode})`;
  if (a.state === "WAITING" && a.waitingFor !== undefined) return `WAITING(${a.waitingFor})`;
  return a.state;
};

/** What changed since the previous read, as lines (table) or JSON objects (jsonl). */
function changes(
  previous: Map<string, LiveAgent> | undefined,
  agents: readonly LiveAgent[],
  format: string,
  now: number,
): string {
  const jsonl = format === "jsonl";
  if (previous === undefined) {
    if (jsonl) return agents.map((a) => jsonText(agentJson(a, now), 0) + "\n").join("");
    return agents.length > 0 ? table(agents, now) + "\n" : "No agents matched.\n";
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const agent of agents) {
    const key = `${agent.name}@${agent.host}`;
    seen.add(key);
    const before = previous.get(key);
    if (before !== undefined && stateWord(before) === stateWord(agent)) continue;
    if (jsonl) out.push(jsonText(agentJson(agent, now), 0));
    else if (before === undefined) out.push(`${key} ${stateWord(agent)} (new)`);
    else out.push(`${key} ${stateWord(before)} -> ${stateWord(agent)}`);
  }
  for (const [key, agent] of previous) {
    if (seen.has(key)) continue;
    if (jsonl) out.push(jsonText({ name: agent.name, host: agent.host, state: "GONE" }, 0));
    else out.push(`${key} gone`);
  }
  return out.map((line) => line + "\n").join("");
}

function table(
  agents: readonly LiveAgent[],
  now: number,
  untrusted: readonly HostError[] = [],
): string {
  const rows = [
    ...agents.map((a) => ({ host: a.host, name: a.name, cells: row(a, now) })),
    ...untrusted.map((e) => ({
      host: e.host,
      name: e.agent ?? "",
      cells: [e.agent ?? "", e.host, untrustedState(e), "-", "-", "-", "-", "-", "-"],
    })),
  ].sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
  return renderTable(
    ["NAME", "HOST", "STATE", "TYPE", "FLEET", "OWNER", "IDLE", "AGE", "SERVICES"],
    rows.map((r) => r.cells),
  );
}

function row(agent: LiveAgent, now: number): string[] {
  const idle = idleSeconds(agent, now);
  const age = Math.max(0, Math.floor((now - Date.parse(agent.createdAt)) / 1000));
  return [
    agent.name,
    agent.host,
    stateWord(agent),
    agent.spec.agent,
    agent.fleet ?? "-",
    agent.spec.labels[OWNER_LABEL] ?? "-",
    idle === null ? "-" : shortDuration(idle),
    Number.isNaN(age) ? "-" : shortDuration(age),
    servicesCell(agent),
  ];
}
