import { readFile } from "node:fs/promises";
import { text as readStream } from "node:stream/consumers";
import type { DeliveryPayload } from "../../core/host/index.ts";
import { keysPayload, sendMessageTo, textPayload } from "../../core/actions/send-message.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import { plural } from "../render/plural.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { parseDurationFlag } from "../parse-duration.ts";

export async function run(
  ref: string,
  words: string[],
  options: CommonOptions & { file?: string; keys?: string[]; timeout?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const waitMs = parseDurationFlag(options.timeout ?? "10m", "--timeout");
  // Checked before the agent is even looked up: a refused message touches nothing.
  const payload = await messagePayload(words, options);
  const sent = await sendMessageTo(ref, payload, context, {
    waitMs,
    waitWords: options.timeout ?? "10m",
  });
  if (context.format === "json")
    printJson({
      sent: true,
      agent: sent.agent,
      host: sent.host,
      ...(payload.kind === "text" ? { chars: sent.chars ?? 0 } : { keys: payload.keys }),
      started: sent.started,
    });
  else if (payload.kind === "keys")
    printText(`Sent keys ${payload.keys.join(" ")} to ${sent.agent}.`, "stderr");
  else printText(`Sent ${plural(sent.chars ?? 0, "character")} to ${sent.agent}.`, "stderr");
}

async function messagePayload(
  words: string[],
  options: { file?: string; keys?: string[] },
): Promise<DeliveryPayload> {
  if (options.keys !== undefined) {
    if (words.length > 0 || options.file) {
      throw usageError(
        "give a message or --keys, not both",
        "send the text, then the keys, as two commands",
      );
    }
    return keysPayload(options.keys);
  }
  const text = await messageText(words, options.file);
  return textPayload(text, options.file ? `the message in ${options.file}` : "the message");
}

async function messageText(words: string[], file: string | undefined): Promise<string> {
  if (words.length > 0 && file) throw usageError("give the message as TEXT or --file, not both");
  let message: string;
  if (file) message = await readMessageFile(file);
  else if (words.length > 0) message = words.join(" ");
  else if (!process.stdin.isTTY) message = await readStream(process.stdin);
  else
    throw usageError(
      "no message given",
      'fleet message NAME "TEXT", --file FILE, or pipe it on stdin',
    );
  return message;
}

async function readMessageFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FleetError(
      "MESSAGE_FILE",
      `cannot read message file ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code)}`,
      { hint: "give the path of a text file, or pipe the message on stdin" },
    );
  }
}
