import { captureAgent } from "../../core/actions/capture-agent.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

export async function run(
  ref: string,
  options: CommonOptions & { service?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { target, service, screen } = await captureAgent(
    ref,
    context,
    options.service === undefined ? {} : { service: options.service },
  );
  if (context.format === "json") {
    printJson({
      agent: target.agent.name,
      host: target.agent.host,
      ...(service === undefined ? {} : { service }),
      ...screen,
    });
    return;
  }
  // Rows below the last one with text are blank screen, not output.
  const lines = [...screen.lines];
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === "") lines.pop();
  if (lines.length > 0) printText(lines.join("\n"));
}
