/**
 * The local host's shell: child processes of this fleet process. The caller's
 * environment passes through (TMUX_TMPDIR, PATH, HOME...) except TMUX, so the tmux
 * commands fleet runs reach the server it means even when fleet runs inside tmux.
 */
import type {
  ExecOptions,
  ExecResult,
  InteractiveCommand,
  Transport,
} from "../../src/core/contracts/transport.ts";
import { runProcess } from "../../src/core/run-process.ts";

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
    return runProcess(command, args, {
      ...options,
      env: options.env ? { ...this.env, ...options.env } : this.env,
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
