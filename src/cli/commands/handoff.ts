/** `fleet handoff AGENT --to NAME [--note TEXT]`: a new owner, an event, a notification. */
import { handoffAgent } from "../../core/actions/handoff-agent.ts";
import {
  createNotifier,
  loadNotifyDesired,
  notifyFleetFile,
  rulesOf,
} from "../../core/notify/index.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

interface HandoffCommandOptions extends CommonOptions {
  to: string;
  note?: string;
  file?: string;
}

export async function run(ref: string, options: HandoffCommandOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  // The rules come from the fleet file, read before anything changes (a broken one fails first).
  const desired = await loadNotifyDesired(notifyFleetFile(options.file, process.cwd()));
  const notifier = createNotifier({ ctx: context, rules: rulesOf(desired), baseline: false });
  const result = await handoffAgent({
    ctx: context,
    ref,
    to: options.to,
    ...(options.note === undefined ? {} : { note: options.note }),
    notifier,
  });
  const channels = result.notified?.channels ?? [];
  if (context.format === "json") {
    printJson({
      format_version: "1.0",
      agent: result.agent.name,
      host: result.agent.host,
      from: result.from,
      to: result.to,
      note: result.note ?? null,
      at: result.at,
      notified: channels,
    });
  } else {
    const sent = channels.filter((c) => c.status === "sent").map((c) => c.channel);
    printText(
      `Handed ${result.agent.name} from ${result.from} to ${result.to}.` +
        (sent.length > 0 ? ` Notified: ${sent.join(", ")}.` : ""),
    );
  }
  if (channels.some((c) => c.status === "failed")) process.exitCode = 1;
}
