/** Long-running `fleet` processes (watchers) for the notification tests, stopped by the test. */
import { spawn, type ChildProcess } from "node:child_process";
import { fleetBin, type Sandbox } from "../../helpers/sandbox.ts";

export interface Watcher {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

export function startWatcher(
  sb: Sandbox,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Watcher {
  const child = spawn(process.execPath, [fleetBin, ...args], {
    cwd: options.cwd ?? sb.dir,
    env: { ...sb.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
