/** Running a program on this machine and collecting its output. */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { ExecOptions, ExecResult } from "./contracts/transport.ts";
import { FleetError } from "./errors.ts";

/**
 * Runs `command` with `args` (no shell), feeding `options.input` to its stdin.
 * Resolves with its exit code and output whatever the code; rejects only when
 * the program cannot be started at all.
 */
export function runProcess(
  command: string,
  args: string[],
  options: Omit<ExecOptions, "env"> & { env?: NodeJS.ProcessEnv } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => {
      reject(
        new FleetError("EXEC_FAILED", `cannot run ${command}: ${error.message}`, {
          fault: "system",
          cause: error,
        }),
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
    // A command that exits without reading its input must not crash us with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
