import { EXEC_AGENT_ABSENT, execCommand, type HostHandle } from "../../core/host/index.ts";
import { usageError } from "../../core/errors.ts";
import { readAgent, recordProblem } from "../../core/host/read-agent.ts";
import { getProvider } from "../../core/registry.ts";
import { knownHosts } from "../../core/state/known-hosts.ts";
import { cachedHost } from "../../core/state/location-cache.ts";
import { findAgent } from "../agent-target.ts";
import { type CliContext, type CommonOptions, cliContext } from "../context.ts";
import { spawnInteractive } from "../spawn-interactive.ts";

export async function run(ref: string, argv: string[], options: CommonOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (argv.length === 0)
    throw usageError("no command given", "fleet exec NAME -- COMMAND [ARGS...]");
  const tty = process.stdin.isTTY && process.stdout.isTTY;

  // Straight to the host the agent was last seen on. Its record is read and
  // verified first (one round trip): a cached location never skips the check.
  // The command there runs nothing when the agent is not there, and exits
  // EXEC_AGENT_ABSENT.
  const guess = await guessedHandle(ref, context);
  const found = guess
    ? await readAgent(guess.handle, guess.name).catch(() => undefined)
    : undefined;
  if (found?.problem) throw recordProblem(found.problem);
  if (guess && found?.record) {
    const code = await spawnInteractive(await execCommand(guess.handle, guess.name, argv, { tty }));
    if (code !== EXEC_AGENT_ABSENT) {
      process.exitCode = code;
      return;
    }
    // Either the command itself exited with that code, or the agent is not
    // there (then nothing ran): a full look-up tells which.
    const { agent } = await findAgent(ref, context);
    if (agent.host === guess.handle.host.name) {
      process.exitCode = code;
      return;
    }
  }
  const { agent, handle } = await findAgent(ref, context);
  process.exitCode = await spawnInteractive(await execCommand(handle, agent.name, argv, { tty }));
}

async function guessedHandle(
  ref: string,
  context: CliContext,
): Promise<{ name: string; handle: HostHandle } | undefined> {
  const cached = cachedHost(context.env, ref);
  if (!cached) return undefined;
  const host = (await knownHosts(context.env)).find((h) => h.name === cached.host);
  if (!host) return undefined;
  try {
    return {
      name: cached.name,
      handle: { provider: await getProvider(host.provider), host, ctx: context },
    };
  } catch {
    return undefined;
  }
}
