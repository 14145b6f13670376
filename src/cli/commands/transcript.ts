import { followTranscript, readTranscript } from "../../core/host/index.ts";
import { safeLines } from "../../core/text/safe-text.ts";
import { findAgent } from "../agent-target.ts";
import { type CommonOptions, cliContext, jsonText, printJson } from "../context.ts";
import { parseCount } from "../parse-count.ts";

export async function run(
  ref: string,
  options: CommonOptions & { tail?: string; raw?: boolean; follow?: boolean; service?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const tail = parseCount(options.tail, "--tail");
  const { agent, handle } = await findAgent(ref, context);
  const which = options.service === undefined ? {} : { service: options.service };
  const transcript = await readTranscript(handle, agent.name, {
    ...which,
    ...(tail === undefined ? {} : { tail }),
  });
  // What an agent printed is text from a host: shown escaped, unless asked for as it is.
  const shown = (text: string): string => (options.raw ? text : safeLines(text));
  if (options.follow !== true) {
    if (context.format === "json")
      printJson({ agent: agent.name, host: agent.host, ...which, transcript });
    else
      process.stdout.write(
        shown(transcript.endsWith("\n") || transcript === "" ? transcript : transcript + "\n"),
      );
    return;
  }
  // Following prints as it goes: JSON lines, one per line of output.
  const print = (line: string): void => {
    process.stdout.write(
      context.format === "json" ? jsonText({ ...which, line }) + "\n" : shown(line + "\n"),
    );
  };
  if (transcript !== "") transcript.split("\n").forEach(print);
  for await (const line of followTranscript(handle, agent.name, which)) print(line);
  context.io.notify({
    level: "info",
    code: "follow.ended",
    message: `agent ${agent.name} was destroyed; nothing more to follow`,
  });
}
