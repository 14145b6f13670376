import { readTranscript } from "../../core/host/index.ts";
import { safeLines } from "../../core/text/safe-text.ts";
import { findAgent } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { parseCount } from "../parse-count.ts";

export async function run(
  ref: string,
  options: CommonOptions & { tail?: string; raw?: boolean },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const tail = parseCount(options.tail, "--tail");
  const { agent, handle } = await findAgent(ref, context);
  const transcript = await readTranscript(handle, agent.name, tail === undefined ? {} : { tail });
  if (context.format === "json") {
    printJson({ agent: agent.name, host: agent.host, transcript });
    return;
  }
  const text = transcript.endsWith("\n") || transcript === "" ? transcript : transcript + "\n";
  // What an agent printed is text from a host: shown escaped, unless asked for as it is.
  process.stdout.write(options.raw ? text : safeLines(text));
}
