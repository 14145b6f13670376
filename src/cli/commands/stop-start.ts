import { type StartStopResult, startAgents, stopAgents } from "../../core/actions/start-stop.ts";
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
  report(await stopAgents(refs, options.selector ?? [], context), "Stopped", context);
}

export async function runStart(refs: string[], options: TargetOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  report(await startAgents(refs, options.selector ?? [], context), "Started", context);
}

function report(result: StartStopResult, verb: string, context: CliContext): void {
  const names = result.changed;
  if (context.format === "json") printJson({ [verb.toLowerCase()]: names });
  else if (result.matched === 0) printText("No agents matched.", "stderr");
  else if (names.length > 0) printText(`${verb} ${names.join(", ")}.`, "stderr");
}
