import { readFile } from "node:fs/promises";
import { text as readStream } from "node:stream/consumers";
import {
  assertKeyNames,
  assertTypeable,
  characterCount,
  normalizeLineEnds,
  sendMessage,
  type DeliveryPayload,
} from "../../core/host/index.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import { plural } from "../render/plural.ts";
import { wakeAgent } from "../../core/idle/wake-host.ts";
import { findAgent, withHostLock } from "../agent-target.ts";
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
  const { agent, handle } = await findAgent(ref, context);
  // A finished agent is not woken: its process exited, and sendMessage says so.
  const wasStopped = agent.state === "STOPPED" || agent.state === "MISSING";
  if (wasStopped) {
    await withHostLock(handle, async () => {
      context.io.notify({
        level: "info",
        code: "message.start",
        message: `starting ${agent.name} (${agent.state}) first...`,
      });
      await wakeAgent(handle, agent, process.env);
    });
  }
  // Not under the host lock: a message may wait for the agent's turn to end, and
  // its queue on the host keeps messages in order (src/core/host/delivery-turns.ts).
  await sendMessage(handle, agent.name, payload, {
    waitMs,
    onWait: (name) =>
      context.io.notify({
        level: "info",
        code: "message.wait",
        message: `${name} is working: the message waits for its turn to end (up to ${options.timeout ?? "10m"})...`,
      }),
  });
  const chars = payload.kind === "text" ? characterCount(payload.text) : 0;
  if (context.format === "json")
    printJson({
      sent: true,
      agent: agent.name,
      host: agent.host,
      ...(payload.kind === "text" ? { chars } : { keys: payload.keys }),
      started: wasStopped,
    });
  else if (payload.kind === "keys")
    printText(`Sent keys ${payload.keys.join(" ")} to ${agent.name}.`, "stderr");
  else printText(`Sent ${plural(chars, "character")} to ${agent.name}.`, "stderr");
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
    assertKeyNames(options.keys);
    return { kind: "keys", keys: options.keys };
  }
  const text = await messageText(words, options.file);
  assertTypeable(text, options.file ? `the message in ${options.file}` : "the message");
  return { kind: "text", text };
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
  message = normalizeLineEnds(message).replace(/\n+$/, "");
  if (message.trim() === "") throw usageError("the message is empty");
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
