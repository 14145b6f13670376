import { readFile } from "node:fs/promises";
import { text as readStream } from "node:stream/consumers";
import { sendMessage } from "../../core/host/index.ts";
import { FleetError, usageError } from "../../core/errors.ts";
import { plural } from "../render/plural.ts";
import { wakeAgent } from "../../core/idle/wake-host.ts";
import { findAgent, withHostLock } from "../agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";

export async function run(
  ref: string,
  words: string[],
  options: CommonOptions & { file?: string },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const message = await messageText(words, options.file);
  const { agent, handle } = await findAgent(ref, context);
  const wasStopped = agent.state !== "RUNNING" && agent.state !== "WAITING";
  await withHostLock(handle, async () => {
    if (wasStopped) {
      context.io.notify({
        level: "info",
        code: "message.start",
        message: `starting ${agent.name} (${agent.state}) first...`,
      });
      await wakeAgent(handle, agent, process.env);
    }
    await sendMessage(handle, agent.name, message);
  });
  if (context.format === "json")
    printJson({
      sent: true,
      agent: agent.name,
      host: agent.host,
      chars: message.length,
      started: wasStopped,
    });
  else process.stderr.write(`Sent ${plural(message.length, "character")} to ${agent.name}.\n`);
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
  message = message.replace(/\n+$/, "");
  if (message.trim() === "") throw usageError("the message is empty");
  return message;
}

async function readMessageFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "cannot be read (permission denied)"
            : "cannot be read";
    throw new FleetError("FILE_NOT_READABLE", `message file ${file} ${why}`, {
      hint: "check the path given with --file",
      cause: error,
    });
  }
}
