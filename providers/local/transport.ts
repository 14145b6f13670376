/**
 * The local host's shell: child processes of this fleet process. The caller's
 * environment passes through (TMUX_TMPDIR, PATH, HOME...) except TMUX, so the tmux
 * commands fleet runs reach the server it means even when fleet runs inside tmux.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type {
  ExecOptions,
  ExecResult,
  InteractiveCommand,
  Transport,
} from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";

export class LocalTransport implements Transport {
  readonly fleetDir: string;
  private readonly env: Record<string, string>;

  constructor(fleetDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.fleetDir = fleetDir;
    this.env = childEnv(env);
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (command === undefined) return Promise.reject(new Error("exec: empty argv"));
    return this.run(command, args, options);
  }

  script(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.run("sh", ["-c", script], options);
  }

  interactive(argv: string[], options: { tty: boolean; cwd?: string }): InteractiveCommand {
    // `env` both drops TMUX (attach from inside tmux) and changes directory, so the
    // CLI can spawn the result as it is, whatever environment it passes.
    const cwd = options.cwd === undefined ? [] : ["-C", options.cwd];
    return { command: "env", args: ["-u", "TMUX", ...cwd, ...argv], env: { ...this.env } };
  }

  private run(command: string, args: string[], options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ? { ...this.env, ...options.env } : this.env,
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
          code: code ?? (signal ? 128 + signalNumber(signal) : 1),
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
}

/** The environment fleet's child processes get: the caller's, without TMUX. */
export function childEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key !== "TMUX") result[key] = value;
  }
  return result;
}

const signalNumber = (signal: NodeJS.Signals): number => constants.signals[signal];
