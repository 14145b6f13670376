import { usageError } from "../../core/errors.ts";
import { byText } from "../../core/sort.ts";
import type { LiveAgent } from "../../core/model.ts";
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

  if (context.format === "json") {
    printJson({ format_version: "1.0", agents: agents.map((a) => agentJson(a, now)), errors });
  } else if (context.format === "jsonl") {
    process.stdout.write(agents.map((a) => jsonText(agentJson(a, now), 0) + "\n").join(""));
  } else if (agents.length === 0 && errors.length === 0) {
    process.stdout.write("No agents. Start one with `fleet create NAME` or `fleet apply`.\n");
  } else if (agents.length > 0) {
    process.stdout.write(
      renderTable(
        ["NAME", "HOST", "STATE", "TYPE", "FLEET", "IDLE", "AGE", "SERVICES"],
        agents.map((a) => row(a, now)),
      ) + "\n",
    );
  }
  if (context.format !== "json") {
    for (const error of errors) {
      context.io.notify({
        level: "warn",
        code: "list.host-error",
        message: `host ${error.host} (${error.provider}) could not be read: ${error.error.message}`,
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
