import type { Command } from "commander";
import { followTraffic, readTraffic, type TrafficFilter } from "../../core/bus/traffic.ts";
import type { BusMessage } from "../../core/bus/message.ts";
import { retentionFrom } from "../../core/bus/retention.ts";
import { usageError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, jsonText, printJson, printText } from "../context.ts";

interface MessagesOptions extends CommonOptions {
  agent?: string;
  fleet?: string;
  follow?: boolean;
  unread?: boolean;
}

/** `fleet messages`: the bus's traffic, read from the mailboxes (no daemon needed). */
export async function run(options: MessagesOptions): Promise<void> {
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  if (options.follow && context.format === "json") {
    throw usageError("--follow prints one message a line: use --format jsonl or text");
  }
  const filter: TrafficFilter = {
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    ...(options.fleet === undefined ? {} : { fleet: options.fleet }),
    unreadOnly: options.unread ?? false,
  };
  const show = (message: BusMessage): void => {
    if (context.format === "jsonl") process.stdout.write(jsonText(publicView(message), 0) + "\n");
    else printText(messageLine(message));
  };
  if (!options.follow) {
    const messages = await readTraffic(context.env, filter);
    if (context.format === "json") printJson({ messages: messages.map(publicView) });
    else if (messages.length === 0 && context.format === "text")
      printText("No messages.", "stderr");
    else messages.forEach(show);
    return;
  }
  await followTraffic(context.env, filter, show);
}

interface PruneOptions extends CommonOptions {
  olderThan?: string;
  maxSize?: string;
}

/** `fleet messages prune`: done by the daemon, the mailboxes' only writer. */
export async function runPrune(own: PruneOptions, command?: Command): Promise<void> {
  // `fleet messages prune --format json`: commander gives --format to `messages`.
  const parent = command?.parent;
  const given = (name: string) => parent?.getOptionValueSource(name) === "cli";
  const parentOptions = parent?.opts<CommonOptions>() ?? {};
  const options: PruneOptions = {
    ...own,
    ...(given("format") ? { format: parentOptions.format } : {}),
    ...(given("json") ? { json: true } : {}),
  };
  const context = cliContext(options, ["text", "json"], "text");
  // Checked here too: a bad value is refused before anything starts.
  retentionFrom(process.env, options);
  const { callBusTool, connectBus } = await import("../../core/bus/client.ts");
  const client = await connectBus(context.env);
  try {
    const value = (await callBusTool(client, "prune_messages", {
      ...(options.olderThan === undefined ? {} : { olderThan: options.olderThan }),
      ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
    })) as { dropped: number; droppedUnread: number; files: string[] };
    if (context.format === "json") printJson(value);
    else
      printText(
        value.dropped === 0
          ? "Nothing to prune."
          : `Pruned ${value.dropped} message(s)${value.droppedUnread > 0 ? `, ${value.droppedUnread} of them unread (over the size cap)` : ""}.`,
        "stderr",
      );
  } finally {
    await client.close();
  }
}

function publicView({ seq: _seq, ...message }: BusMessage) {
  return message;
}

function messageLine(message: BusMessage): string {
  const state = message.readAt ? "read" : message.deliveredAt ? "delivered" : "unread";
  const firstLine = message.body.split("\n")[0] ?? "";
  const more = message.body.includes("\n") ? " …" : "";
  const priority = message.priority === "normal" ? "" : ` [${message.priority}]`;
  return `${message.time}  ${message.from} -> ${message.to}${priority}  (${state})  ${firstLine}${more}`;
}
