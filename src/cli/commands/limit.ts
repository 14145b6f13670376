/** `fleet limit AGENT --idle-timeout D | --idle disabled` */
import { limitAgent, type LimitOptions } from "../../core/actions/limit-agent.ts";
import { formatDuration } from "../../core/config/units.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

const words = (ms: number | null): string => (ms === null ? "disabled" : formatDuration(ms));
const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

export async function run(ref: string, options: LimitOptions & CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { agent, before, after } = await limitAgent(ref, options, context);
  const where = `${agent.name}@${agent.host}`;
  if (context.format === "json") {
    printJson({
      agent: agent.name,
      host: agent.host,
      idleTimeoutSeconds: { before: seconds(before), after: seconds(after) },
    });
  } else if (before === after) {
    printText(`${where}: idle timeout already ${words(after)}.`);
  } else {
    printText(`${where}: idle timeout ${words(before)} -> ${words(after)}.`);
  }
}
