import {
  fleetUsage,
  type FleetUsage,
  type UsageSum,
  type UsageTarget,
} from "../../core/actions/usage.ts";
import { byText } from "../../core/sort.ts";
import { getProvider } from "../../core/registry.ts";
import { resolveAgent } from "../../core/state/resolve-agent.ts";
import { findAgent, readLive } from "../../core/actions/agent-target.ts";
import { type CliContext, type CommonOptions, cliContext, printJson } from "../context.ts";
import { renderTable } from "../render/table.ts";

export async function run(
  ref: string | undefined,
  options: CommonOptions & { fleet?: string },
): Promise<void> {
  const context = cliContext(options, ["table", "json"], "table");
  const targets = (
    ref === undefined ? await allAgents(context) : [await oneAgent(ref, context)]
  ).filter((target) => options.fleet === undefined || target.fleet === options.fleet);
  const result = await fleetUsage(targets);
  if (context.format === "json") {
    printJson({ format_version: "1.0", ...result });
  } else if (result.agents.length === 0) {
    process.stdout.write("No agents.\n");
  } else {
    process.stdout.write(table(result) + "\n");
  }
  for (const row of result.agents) {
    if (row.status === "unreadable" && context.format !== "json") {
      context.io.notify({
        level: "warn",
        code: "usage.unreadable",
        message: `agent ${row.agent}: its records could not be read: ${row.reason}`,
      });
    }
  }
  if (result.agents.some((row) => row.status === "unreadable")) process.exitCode = 1;
}

async function oneAgent(ref: string, context: CliContext): Promise<UsageTarget> {
  const { agent, handle } = await findAgent(ref, context);
  return { name: agent.name, host: agent.host, fleet: agent.fleet, handle };
}

async function allAgents(context: CliContext): Promise<UsageTarget[]> {
  const { live, hosts } = await readLive(context);
  for (const error of live.errors) {
    context.io.notify({
      level: "warn",
      code: "usage.host-error",
      message:
        error.agent === undefined
          ? `host ${error.host} (${error.provider}) could not be read: ${error.error.message}`
          : error.error.message,
    });
  }
  const agents = [...live.agents].sort((a, b) => byText(a.host, b.host) || byText(a.name, b.name));
  return Promise.all(
    agents.map(async (selected) => {
      const { agent, host } = resolveAgent(`${selected.name}@${selected.host}`, live, hosts);
      const handle = { provider: await getProvider(host.provider), host, ctx: context };
      return { name: agent.name, host: agent.host, fleet: agent.fleet, handle };
    }),
  );
}

const number = (n: number): string => n.toLocaleString("en-US");

const sums = (sum: UsageSum): string[] => [
  number(sum.input),
  number(sum.output),
  number(sum.cacheRead),
  number(sum.cacheWrite),
];

/** One row per agent; a TOTAL per fleet when there are several, then the TOTAL. */
function table({ agents, fleets, total }: FleetUsage): string {
  const cells = agents.map((row) => [
    row.agent,
    row.host,
    row.fleet ?? "-",
    row.type,
    ...(row.status === "ok"
      ? sums({ ...row.usage, agents: 1, responses: row.responses })
      : [row.status === "none" ? "(no records)" : "(unreadable)", "", "", ""]),
  ]);
  if (fleets.length > 1) {
    for (const fleet of fleets) {
      const of = agents.filter((row) => row.fleet === fleet.fleet).length;
      cells.push(["TOTAL", "", fleet.fleet ?? "-", `${fleet.agents} of ${of}`, ...sums(fleet)]);
    }
  }
  cells.push(["TOTAL", "", "", `${total.agents} of ${agents.length}`, ...sums(total)]);
  return renderTable(
    ["AGENT", "HOST", "FLEET", "TYPE", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE"],
    cells,
  );
}
