import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { loadDesired } from "../../core/actions/plan-apply.ts";
import { plural } from "../render/plural.ts";

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
    `${desired.source}: valid fleet "${desired.fleet}" (${plural(desired.agents.length, "agent")}, ${plural(desired.hosts.length, "host")})`,
  );
}
