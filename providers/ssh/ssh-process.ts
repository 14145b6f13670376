/** Running the OpenSSH tools (ssh, ssh-keyscan, ssh-keygen) as child processes. */
import type { ExecResult } from "../../src/core/contracts/transport.ts";
import { FleetError, toFleetError } from "../../src/core/errors.ts";
import { runProcess as run } from "../../src/core/run-process.ts";

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
}

/**
 * Runs an OpenSSH program to completion, collecting its output. Rejects only
 * when it cannot start, saying how to install the client when it is missing.
 */
export async function runProcess(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<ExecResult> {
  try {
    return await run(command, args, options);
  } catch (error) {
    const cause = (toFleetError(error).cause ?? {}) as NodeJS.ErrnoException;
    if (cause.code !== "ENOENT") throw error;
    throw new FleetError(
      "SSH_CLIENT_MISSING",
      `cannot run ${command}: it is not installed on this machine`,
      {
        fault: "system",
        cause,
        hint: "install the OpenSSH client (e.g. apt-get install openssh-client)",
      },
    );
  }
}
