import { usageError } from "../../core/errors.ts";
import { byText } from "../../core/sort.ts";
import type { HostError, LiveAgent } from "../../core/model.ts";
import { answersToHost } from "../../core/state/local-hosts.ts";
import { readLive } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson, jsonText } from "../context.ts";
import { agentJson, idleSeconds, servicesCell } from "../render/agent-json.ts";
import { renderTable, shortDuration } from "../render/table.ts";

interface ListOptions extends CommonOptions {
  host?: string;
  state?: string;
  fleet?: string;
}

const STATES = ["running", "waiting", "stopped", "done", "missing"];

export async function run(options: ListOptions): Promise<void> {
  const context = cliContext(options, ["table", "json", "jsonl"], "table");
  const wantedState = options.state?.toLowerCase();
  if (wantedState !== undefined && !STATES.includes(wantedState)) {
    throw usageError(`unknown state "${options.state ?? ""}"`, `use one of: ${STATES.join(", ")}`);
  }
  const { live } = await readLive(context);
  const agents = live.agents
    .filter((a) => options.host === undefined || answersToHost(a, options.host))
    .filter((a) => wantedState === undefined || a.state.toLowerCase() === wantedState)
    .filter((a) => options.fleet === undefined || (a.fleet ?? "-") === options.fleet)
    .sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
  const errors = live.errors.filter((e) => options.host === undefined || e.host === options.host);
  const now = Date.now();

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
  } else if (agents.length === 0 && errors.length === 0) {
    process.stdout.write("No agents. Start one with `fleet create NAME` or `fleet apply`.\n");
  } else if (agents.length > 0 || untrusted.length > 0) {
    const rows = [
      ...agents.map((a) => ({ host: a.host, name: a.name, cells: row(a, now) })),
      ...untrusted.map((e) => ({
        host: e.host,
        name: e.agent ?? "",
        cells: [e.agent ?? "", e.host, untrustedState(e), "-", "-", "-", "-", "-"],
      })),
    ].sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
    process.stdout.write(
      renderTable(
        ["NAME", "HOST", "STATE", "TYPE", "FLEET", "IDLE", "AGE", "SERVICES"],
        rows.map((r) => r.cells),
      ) + "\n",
    );
  }
  if (context.format !== "json") {
    for (const error of errors) {
      context.io.notify({
        level: "warn",
        code: error.agent === undefined ? "list.host-error" : "list.agent-error",
        message:
          error.agent === undefined
            ? `host ${error.host} (${error.provider}) could not be read: ${error.error.message}`
            : `${error.error.message}${error.error.hint === undefined ? "" : ` (${error.error.hint})`}`,
      });
    }
  }
  if (errors.length > 0) process.exitCode = 1;
}

function row(agent: LiveAgent, now: number): string[] {
  const idle = idleSeconds(agent, now);
  const age = Math.max(0, Math.floor((now - Date.parse(agent.createdAt)) / 1000));
  const state =
    agent.state === "DONE" && agent.exitCode !== undefined
      ? `DONE(${agent.exitCode})`
      : agent.state;
  return [
    agent.name,
    agent.host,
    state,
    agent.spec.agent,
    agent.fleet ?? "-",
    idle === null ? "-" : shortDuration(idle),
    Number.isNaN(age) ? "-" : shortDuration(age),
    servicesCell(agent),
  ];
}

const untrustedState = (error: HostError): string =>
  error.error.code === "RECORD_TAMPERED" ? "TAMPERED" : "UNREADABLE";
