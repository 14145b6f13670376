import { execCommand } from "../../core/host/index.ts";
import { usageError } from "../../core/errors.ts";
import { findAgent } from "../agent-target.ts";
import { type CommonOptions, cliContext } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";

export async function run(ref: string, argv: string[], options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (argv.length === 0)
    throw usageError("no command given", "fleet exec NAME -- COMMAND [ARGS...]");
  const { agent, handle } = await findAgent(ref, context);
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  process.exitCode = await spawnInteractive(
    await execCommand(handle, agent.name, argv, { tty, known: agent }),
  );
}
