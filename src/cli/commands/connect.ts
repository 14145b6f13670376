import { attachCommand } from "../../core/host/index.ts";
import { usageError } from "../../core/errors.ts";
import { wakeAgent } from "../../core/idle/wake-host.ts";
import { findAgent, withHostLock } from "../../core/actions/agent-target.ts";
import { type CommonOptions, cliContext, printText } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";

export async function run(ref: string, options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError(
      "fleet connect needs a terminal",
      "use `fleet exec`, `fleet message` or `fleet transcript` from scripts",
    );
  }
  const { agent, handle } = await findAgent(ref, context);
  if (agent.state !== "RUNNING" && agent.state !== "WAITING") {
    context.io.notify({
      level: "info",
      code: "connect.start",
      message: `starting ${agent.name} (${agent.state})...`,
    });
    await withHostLock(handle, () => wakeAgent(handle, agent, process.env));
  }
  // On the way in, while the user still reads this terminal: tmux takes it over next.
  printText(
    `Attaching to ${agent.name}@${agent.host}. Detach with Ctrl-b d (tmux's prefix, then d); the agent keeps running.`,
    "stderr",
  );
  process.exitCode = await spawnInteractive(await attachCommand(handle, agent.name));
}
