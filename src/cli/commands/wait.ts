import { usageError } from "../../core/errors.ts";
import { WAIT_TARGETS } from "../../core/host/wait-targets.ts";
import { safeText } from "../../core/text/safe-text.ts";
import { waitForAgent } from "../../core/actions/wait-agent.ts";
import { agentJson } from "../render/agent-json.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { parseDurationFlag } from "../parse-duration.ts";

/** `--state` and `--timeout` have their defaults from the parser (src/cli/main.ts). */
export async function run(
  ref: string,
  options: CommonOptions & { state: string; timeout: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const target = WAIT_TARGETS.find((t) => t === options.state);
  if (!target) throw usageError(`--state must be one of ${WAIT_TARGETS.join(", ")}`);
  const timeoutMs = parseDurationFlag(options.timeout, "--timeout");
  if (timeoutMs <= 0) throw usageError(`--timeout must be longer than 0, not "${options.timeout}"`);
  // Ctrl-C needs no care: waiting changes nothing, so it just ends (130).
  const reached = await waitForAgent(ref, target, timeoutMs, context);
  if (context.format === "json") printJson({ agent: agentJson(reached) });
  else process.stdout.write(safeText(`${reached.name} is ${target}`) + "\n");
}
