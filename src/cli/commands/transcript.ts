import { readTranscript } from "../../core/host/index.ts";
import { findAgent } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { parseCount } from "../parse-count.ts";

export async function run(ref: string, options: CommonOptions & { tail?: string }): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const tail = parseCount(options.tail, "--tail");
  const { agent, handle } = await findAgent(ref, context);
  const transcript = await readTranscript(handle, agent.name, tail === undefined ? {} : { tail });
  if (context.format === "json") printJson({ agent: agent.name, host: agent.host, transcript });
  else
    process.stdout.write(
      transcript.endsWith("\n") || transcript === "" ? transcript : transcript + "\n",
    );
}
