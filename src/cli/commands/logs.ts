import { setTimeout as sleep } from "node:timers/promises";
import { readEvents, type AgentEvent } from "../../core/host/index.ts";
import { findAgent } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson, jsonText } from "../context.ts";
import { parseCount } from "../parse-count.ts";
import { safeText } from "../../core/text/safe-text.ts";

export async function run(
  ref: string,
  options: CommonOptions & { tail?: string; follow?: boolean },
): Promise<void> {
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  const tail = parseCount(options.tail, "--tail");
  const { agent, handle } = await findAgent(ref, context);
  const events = await readEvents(handle, agent.name, tail === undefined ? {} : { tail });
  if (context.format === "json" && !options.follow) {
    printJson({ agent: agent.name, host: agent.host, events });
    return;
  }
  const print = (event: AgentEvent): void => {
    process.stdout.write(
      context.format === "text" ? safeText(formatEvent(event)) + "\n" : jsonText(event, 0) + "\n",
    );
  };
  events.forEach(print);
  if (!options.follow) return;
  let seen = (await readEvents(handle, agent.name, {})).length;
  for (;;) {
    await sleep(1000);
    const all = await readEvents(handle, agent.name, {});
    all.slice(seen).forEach(print);
    seen = all.length;
  }
}

function formatEvent(event: AgentEvent): string {
  const { ts, type, ...rest } = event;
  const details = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${ts}  ${type.padEnd(9)} ${details}`.trimEnd();
}
