/**
 * Runs the program's process and reads its end the way the engine wants it:
 * nothing on success; `bail` when the runner exited 32 (it logged the error to the
 * engine already, so nothing more is said); otherwise an error message.
 *
 * The program writes straight to this host's stdout and stderr, which the CLI
 * reads after the port line and shows as the program's output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { RunnerCommand } from "./runner-command.ts";

/** The runner's exit code for "the error is already logged" (cmd/run/index.js). */
export const LOGGED_ERROR_EXIT_CODE = 32;

export interface ProgramResult {
  /** Why the program failed, for the engine to print; empty on success or bail. */
  error: string;
  /** The program failed and already said why. */
  bail: boolean;
}

/** The programs running now, so that Cancel and a signal can stop them. */
const running = new Set<ChildProcess>();

export function runProgram(command: RunnerCommand): Promise<ProgramResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command.command, command.args, {
        cwd: command.cwd,
        env: command.env,
        stdio: ["ignore", "inherit", "inherit"],
      });
    } catch (err) {
      resolve({ error: `could not start the program: ${String(err)}`, bail: false });
      return;
    }
    running.add(child);
    let settled = false;
    const settle = (result: ProgramResult): void => {
      running.delete(child);
      if (settled) return;
      settled = true;
      resolve(result);
    };
    child.once("error", (err) =>
      settle({ error: `could not start ${command.command}: ${err.message}`, bail: false }),
    );
    child.once("exit", (code, signal) => settle(programResult(code, signal)));
  });
}

export function programResult(code: number | null, signal: NodeJS.Signals | null): ProgramResult {
  if (code === 0) return { error: "", bail: false };
  if (code === LOGGED_ERROR_EXIT_CODE) return { error: "", bail: true };
  if (signal !== null) return { error: `Program exited due to signal ${signal}`, bail: false };
  return { error: `Program exited with non-zero exit code: ${code ?? "unknown"}`, bail: false };
}

/** Asks every running program to stop (SIGINT, as Ctrl-C would), then kills those left. */
export function stopPrograms(graceMs = 5000): void {
  for (const child of running) {
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    timer.unref();
    child.once("exit", () => clearTimeout(timer));
  }
}

export function runningPrograms(): number {
  return running.size;
}
