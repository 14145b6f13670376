import {
  followEvents,
  followTranscript,
  readEvents,
  readTranscript,
  type AgentEvent,
} from "../../core/host/index.ts";
import { findAgent } from "../../core/actions/agent-target.ts";
import { type CommonOptions, cliContext, printJson, jsonText } from "../context.ts";
import { parseCount } from "../parse-count.ts";
import { safeText } from "../../core/text/safe-text.ts";

export async function run(
  ref: string,
  options: CommonOptions & { tail?: string; follow?: boolean; service?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  const tail = parseCount(options.tail, "--tail");
  const { agent, handle } = await findAgent(ref, context);
  const follow = options.follow === true;

  if (options.service !== undefined) {
    // A service has no events: its log is its output.
    const service = options.service;
    const text = await readTranscript(handle, agent.name, {
      service,
      ...(tail === undefined ? {} : { tail }),
    });
    const lines = text === "" ? [] : text.split("\n");
    if (context.format === "json" && !follow) {
      printJson({ agent: agent.name, host: agent.host, service, lines });
      return;
    }
    const print = (line: string): void => {
      process.stdout.write(
        context.format === "text" ? line + "\n" : JSON.stringify({ service, line }) + "\n",
      );
    };
    lines.forEach(print);
    if (!follow) return;
    for await (const line of followTranscript(handle, agent.name, { service })) print(line);
    return ended(agent.name, context);
  }

  const events = await readEvents(handle, agent.name, tail === undefined ? {} : { tail });
  if (context.format === "json" && !follow) {
    printJson({ agent: agent.name, host: agent.host, events });
    return;
  }
  const print = (event: AgentEvent): void => {
    process.stdout.write(
      context.format === "text" ? safeText(formatEvent(event)) + "\n" : jsonText(event, 0) + "\n",
    );
  };
  events.forEach(print);
  if (!follow) return;
  for await (const event of followEvents(handle, agent.name)) print(event);
  ended(agent.name, context);
}

/** Following stops by itself only when the agent is gone. */
function ended(name: string, context: ReturnType<typeof cliContext>): void {
  context.io.notify({
    level: "info",
    code: "follow.ended",
    message: `agent ${name} was destroyed; nothing more to follow`,
  });
}

function formatEvent(event: AgentEvent): string {
  const { ts, type, ...rest } = event;
  const details = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${ts}  ${type.padEnd(9)} ${details}`.trimEnd();
}
