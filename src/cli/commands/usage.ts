import { fleetUsage, type AgentUsage, type UsageTarget } from "../../core/actions/usage.ts";
import { byText } from "../../core/sort.ts";
import { getProvider } from "../../core/registry.ts";
import { resolveAgent } from "../../core/state/resolve-agent.ts";
import { findAgent, readLive } from "../agent-target.ts";
import { type CliContext, type CommonOptions, cliContext, printJson } from "../context.ts";
import { renderTable } from "../render/table.ts";

export async function run(ref: string | undefined, options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["table", "json"], "table");
  const targets = ref === undefined ? await allAgents(context) : [await oneAgent(ref, context)];
  const result = await fleetUsage(targets);
  if (context.format === "json") {
    printJson({ format_version: "1.0", ...result });
  } else if (result.agents.length === 0) {
    process.stdout.write("No agents.\n");
  } else {
    process.stdout.write(table(result.agents, result.total) + "\n");
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
  return { name: agent.name, host: agent.host, handle };
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
      return { name: agent.name, host: agent.host, handle };
    }),
  );
}

const number = (n: number): string => n.toLocaleString("en-US");

function table(
  rows: readonly AgentUsage[],
  total: Awaited<ReturnType<typeof fleetUsage>>["total"],
): string {
  const cells = rows.map((row) =>
    row.status === "ok"
      ? [
          row.agent,
          row.host,
          row.type,
          number(row.usage.input),
          number(row.usage.output),
          number(row.usage.cacheRead),
          number(row.usage.cacheWrite),
        ]
      : [
          row.agent,
          row.host,
          row.type,
          row.status === "none" ? "(no records)" : "(unreadable)",
          "",
          "",
          "",
        ],
  );
  cells.push([
    "TOTAL",
    "",
    `${total.agents} of ${rows.length}`,
    number(total.input),
    number(total.output),
    number(total.cacheRead),
    number(total.cacheWrite),
  ]);
  return renderTable(
    ["AGENT", "HOST", "TYPE", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE"],
    cells,
  );
}
