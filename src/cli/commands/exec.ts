import { execInAgent } from "../../core/actions/exec-agent.ts";
import { type CommonOptions, cliContext } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";

export async function run(ref: string, argv: string[], options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  const { code } = await execInAgent(ref, argv, context, {
    tty,
    run: async (command) => ({ code: await spawnInteractive(command) }),
  });
  process.exitCode = code;
}
