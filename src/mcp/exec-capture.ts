/**
 * Runs the host command of the `exec` tool with its output collected instead of
 * a terminal: bounded (an agent's command may print without end, and all of it
 * would sit in memory), with a time limit, and stopped when the client cancels.
 * The command runs in its own process group so that the whole of it goes.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { InteractiveCommand } from "../core/contracts/transport.ts";
import { FleetError } from "../core/errors.ts";

export interface CaptureOptions {
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the rest is dropped. */
  maxBytes: number;
  /** Fed to the command's stdin, which is then closed. */
  input?: string;
  signal?: AbortSignal;
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
}

export function runCaptured(
  command: InteractiveCommand,
  options: CaptureOptions,
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      env: { ...process.env, ...command.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let truncated = false;
    let timedOut = false;
    const collect = () => {
      const chunks: Buffer[] = [];
      let size = 0;
      return {
        add: (chunk: Buffer): void => {
          const room = options.maxBytes - size;
          if (chunk.length > room) truncated = true;
          if (room <= 0) return;
          const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
          chunks.push(kept);
          size += kept.length;
        },
        text: () => Buffer.concat(chunks).toString("utf8"),
      };
    };
    const out = collect();
    const err = collect();
    child.stdout.on("data", out.add);
    child.stderr.on("data", err.add);
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", killGroup, { once: true });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        new FleetError("EXEC_FAILED", `cannot run ${command.command}: ${error.message}`, {
          fault: "system",
          cause: error,
        }),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", killGroup);
      resolve({
        code: code ?? (signal ? 128 + constants.signals[signal] : 1),
        stdout: out.text(),
        stderr: err.text(),
        truncated,
        timedOut,
      });
    });
    // A command that exits without reading its input must not crash us with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
