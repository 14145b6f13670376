/** Running the OpenSSH tools (ssh, ssh-keyscan, ssh-keygen) as child processes. */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { ExecResult } from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
}

/** Runs a program to completion, collecting its output. Rejects only when it cannot start. */
export function runProcess(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        new FleetError(
          error.code === "ENOENT" ? "SSH_CLIENT_MISSING" : "EXEC_FAILED",
          error.code === "ENOENT"
            ? `cannot run ${command}: it is not installed on this machine`
            : `cannot run ${command}: ${error.message}`,
          {
            fault: "system",
            cause: error,
            ...(error.code === "ENOENT"
              ? { hint: "install the OpenSSH client (e.g. apt-get install openssh-client)" }
              : {}),
          },
        ),
      );
    });
    child.on("close", (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? (signal ? 128 + constants.signals[signal] : 1),
        stdout: stdoutBytes.toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        stdoutBytes,
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
