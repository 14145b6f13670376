/**
 * `fleet exec` and the MCP `exec` tool: runs a command in an agent's work dir.
 * How the command is run (on the user's terminal, or with its output collected)
 * is the caller's: it gets the host command to run and returns its result.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import type { InteractiveCommand } from "../contracts/transport.ts";
import type { HostHandle } from "../host/handle.ts";
import { EXEC_AGENT_ABSENT, execCommand } from "../host/interactive.ts";
import { readAgent, recordProblem } from "../host/read-agent.ts";
import { usageError } from "../errors.ts";
import { getProvider } from "../registry.ts";
import { knownHosts } from "../state/known-hosts.ts";
import { cachedHost } from "../state/location-cache.ts";
import { findAgent } from "./agent-target.ts";

export interface ExecRunner<R extends { code: number }> {
  /** Whether the command gets a terminal (the CLI's, when it has one). */
  tty: boolean;
  /** Runs the host command; `code` is the command's exit code. */
  run: (command: InteractiveCommand) => Promise<R>;
}

/**
 * Runs argv in the agent's work dir with its env (not its secrets) and returns
 * what the runner returned. Straight to the host the agent was last seen on: its
 * record is read and verified first (one round trip), so a cached location never
 * skips the check; the command there runs nothing when the agent is not there,
 * and exits EXEC_AGENT_ABSENT.
 */
export async function execInAgent<R extends { code: number }>(
  ref: string,
  argv: readonly string[],
  ctx: ProviderContext,
  runner: ExecRunner<R>,
): Promise<R> {
  if (argv.length === 0)
    throw usageError("no command given", "fleet exec NAME -- COMMAND [ARGS...]");
  const guess = await guessedHandle(ref, ctx);
  const found = guess
    ? await readAgent(guess.handle, guess.name).catch(() => undefined)
    : undefined;
  if (found?.problem) throw recordProblem(found.problem);
  const options = { tty: runner.tty };
  if (guess && found?.record) {
    const result = await runner.run(
      await execCommand(guess.handle, guess.name, [...argv], options),
    );
    if (result.code !== EXEC_AGENT_ABSENT) return result;
    // Either the command itself exited with that code, or the agent is not
    // there (then nothing ran): a full look-up tells which.
    const { agent } = await findAgent(ref, ctx);
    if (agent.host === guess.handle.host.name) return result;
  }
  const { agent, handle } = await findAgent(ref, ctx);
  return runner.run(await execCommand(handle, agent.name, [...argv], options));
}

async function guessedHandle(
  ref: string,
  ctx: ProviderContext,
): Promise<{ name: string; handle: HostHandle } | undefined> {
  const cached = cachedHost(ctx.env, ref);
  if (!cached) return undefined;
  const host = (await knownHosts(ctx.env)).find((h) => h.name === cached.host);
  if (!host) return undefined;
  try {
    return {
      name: cached.name,
      handle: { provider: await getProvider(host.provider), host, ctx },
    };
  } catch {
    return undefined;
  }
}
