import { parseDuration } from "../../core/config/units.ts";
import { usageError } from "../../core/errors.ts";
import { WAIT_TARGETS, waitForState, type WaitTarget } from "../../core/host/index.ts";
import { safeText } from "../../core/text/safe-text.ts";
import { findAgent } from "../agent-target.ts";
import { agentJson } from "../render/agent-json.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";

const DEFAULT_TIMEOUT = "10m";

export async function run(
  ref: string,
  options: CommonOptions & { state?: string; timeout?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const target = parseTarget(options.state ?? "waiting");
  const timeoutMs = parseTimeout(options.timeout ?? DEFAULT_TIMEOUT);
  const { agent, handle } = await findAgent(ref, context);
  // Ctrl-C needs no care: waiting changes nothing, so it just ends (130).
  const reached = await waitForState(handle, agent.name, target, {
    timeoutMs,
    onState: (now) => {
      const why = now.waitingFor === undefined ? "" : ` (${now.waitingFor})`;
      context.io.notify({
        level: "info",
        code: "wait.state",
        message: safeText(`${now.name}@${now.host}: ${now.state}${why}`),
      });
    },
  });
  if (context.format === "json") printJson({ agent: agentJson(reached) });
  else process.stdout.write(safeText(`${reached.name} is ${target}`) + "\n");
}

function parseTarget(text: string): WaitTarget {
  const found = WAIT_TARGETS.find((t) => t === text.toLowerCase());
  if (!found) throw usageError(`--state must be one of ${WAIT_TARGETS.join(", ")}, not "${text}"`);
  return found;
}

function parseTimeout(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms > 0) return ms;
  } catch {
    // Reported below.
  }
  throw usageError(`--timeout expects a duration such as 30s, 5m or 1h, not "${text}"`);
}
