import { stopAgent } from "../../core/host/index.ts";
import { wakeAgent } from "../../core/idle/wake-host.ts";
import { type AgentTarget, findTargets, withHostLock } from "../agent-target.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";

interface TargetOptions extends CommonOptions {
  selector?: string[];
}

export async function runStop(refs: string[], options: TargetOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { targets } = await findTargets(refs, options.selector ?? [], context);
  const done: string[] = [];
  for (const { agent, handle } of targets) {
    if (agent.state === "STOPPED") {
      context.io.notify({
        level: "info",
        code: "stop.already",
        message: `${agent.name} is already stopped`,
      });
      continue;
    }
    await withHostLock(handle, () =>
      stopAgent(handle, agent.name, { reason: "stopped by user (fleet stop)" }),
    );
    done.push(agent.name);
  }
  report(targets, done, "Stopped", context);
}

export async function runStart(refs: string[], options: TargetOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { targets } = await findTargets(refs, options.selector ?? [], context);
  const done: string[] = [];
  for (const { agent, handle } of targets) {
    if (agent.state === "RUNNING" || agent.state === "WAITING") {
      context.io.notify({
        level: "info",
        code: "start.already",
        message: `${agent.name} is already running`,
      });
      continue;
    }
    // Under the host's lock, so a reconcile cannot stop the host again in between.
    await withHostLock(handle, () => wakeAgent(handle, agent, process.env));
    done.push(agent.name);
  }
  report(targets, done, "Started", context);
}

function report(targets: AgentTarget[], names: string[], verb: string, context: CliContext): void {
  if (context.format === "json") printJson({ [verb.toLowerCase()]: names });
  else if (targets.length === 0) printText("No agents matched.", "stderr");
  else if (names.length > 0) printText(`${verb} ${names.join(", ")}.`, "stderr");
}
