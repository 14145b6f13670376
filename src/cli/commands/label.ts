/** `fleet label AGENT key=value... key-...` */
import { labelAgent } from "../../core/actions/label-agent.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

export async function run(ref: string, edits: string[], options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const result = await labelAgent(ref, edits, context);
  const where = `${result.agent.name}@${result.agent.host}`;
  if (context.format === "json") {
    printJson({
      agent: result.agent.name,
      host: result.agent.host,
      labels: result.labels,
      set: result.set,
      removed: result.removed,
    });
    return;
  }
  if (result.set.length + result.removed.length === 0) {
    printText(`${where}: labels unchanged.`);
    return;
  }
  const changes = [
    ...result.set.map((key) => `${key}=${result.labels[key] ?? ""}`),
    ...result.removed.map((key) => `${key}-`),
  ];
  printText(`Labelled ${where}: ${changes.join(" ")}`);
}
