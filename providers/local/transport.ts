/**
 * The local host's shell: child processes of this fleet process. They run with
 * a clean environment (the agent base and what tmux needs: hostShellEnv), never
 * the caller's: the first of them may start the tmux server, whose environment
 * every later session would otherwise inherit, secrets included. Scripts run
 * with umask 077, so what they make under FLEET_HOME is the user's alone.
 *
 * The controller's own git commands (preparing a worktree) are not host shell
 * work: they keep the caller's environment (git identity and config, ssh agent)
 * through runAsCaller, and they never start tmux.
 */
import type {
  ExecOptions,
  ExecResult,
  InteractiveCommand,
  Transport,
} from "../../src/core/contracts/transport.ts";
import { hostShellEnv } from "../../src/core/host/agent-env.ts";
import { runProcess } from "../../src/core/run-process.ts";

export class LocalTransport implements Transport {
  readonly fleetDir: string;
  private readonly env: Record<string, string>;
  private readonly callerEnv: Record<string, string>;

  constructor(fleetDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.fleetDir = fleetDir;
    this.env = hostShellEnv(env);
    this.callerEnv = childEnv(env);
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (command === undefined) return Promise.reject(new Error("exec: empty argv"));
    return this.run(command, args, options, this.env);
  }

  script(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.run("sh", ["-c", `umask 077\n${script}`], options, this.env);
  }

  /** argv with the caller's environment (minus TMUX): for the controller's own git commands. */
  runAsCaller(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv;
    if (command === undefined) return Promise.reject(new Error("exec: empty argv"));
    return this.run(command, args, options, this.callerEnv);
  }

  interactive(argv: string[], options: { tty: boolean; cwd?: string }): InteractiveCommand {
    // The CLI spawns this with its own environment: `env -i` replaces it with the
    // host shell's (no TMUX either, so attaching from inside tmux works).
    const cwd = options.cwd === undefined ? [] : ["-C", options.cwd];
    const pairs = Object.entries(this.env).map(([key, value]) => `${key}=${value}`);
    return { command: "env", args: ["-i", ...pairs, ...cwd, ...argv], env: { ...this.env } };
  }

  private run(
    command: string,
    args: string[],
    options: ExecOptions,
    base: Record<string, string>,
  ): Promise<ExecResult> {
    return runProcess(command, args, {
      ...options,
      env: options.env ? { ...base, ...options.env } : base,
    });
  }
}

/** The caller's environment without TMUX, so tmux commands reach the server fleet means. */
export function childEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key !== "TMUX") result[key] = value;
  }
  return result;
}
