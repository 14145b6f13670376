import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { loadDesired } from "../load-fleet.ts";

export async function run(options: CommonOptions & { file?: string }): Promise<void> {
  const { format } = cliContext(options, ["text", "json"], "text");
  const desired = await loadDesired(options.file);
  if (format === "json") {
    printJson({
      valid: true,
      fleet: desired.fleet,
      source: desired.source,
      hosts: desired.hosts.length,
      agents: desired.agents.length,
    });
    return;
  }
  printText(
    `${desired.source}: valid fleet "${desired.fleet}" (${desired.agents.length} agents, ${desired.hosts.length} hosts)`,
  );
}
