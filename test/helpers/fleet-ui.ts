/**
 * `fleet ui` run as a user runs it, in a test's sandbox: the built CLI on a
 * free port, its one line of output ("Open LINK in your browser...") read for the link.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fleetBin, type Sandbox } from "./sandbox.ts";

export interface RunningUi {
  /** The printed link, with its token. */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  base: string;
  token: string;
  port: number;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

export async function startFleetUi(
  sb: Sandbox,
  args: string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningUi> {
  const child = spawn(process.execPath, [fleetBin, "ui", "--port", "0", ...args], {
    cwd: options.cwd ?? sb.dir,
    env: { ...sb.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const fail = (error: Error): void => {
      child.kill("SIGKILL");
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`fleet ui printed no link in 20 s: ${stderr}`)),
      20_000,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) {
        clearTimeout(timer);
        resolve(stdout.split("\n")[0] ?? "");
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`fleet ui exited (${code}) before printing a link: ${stderr}`));
    });
  });
  const printed = /(http:\/\/\S+\?token=\S+)/.exec(line)?.[1];
  if (printed === undefined) {
    child.kill("SIGKILL");
    throw new Error(`fleet ui printed no link: ${line}`);
  }
  const url = new URL(printed);
  return {
    url: printed,
    base: url.origin,
    token: url.searchParams.get("token") ?? "",
    port: Number(url.port),
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await once(child, "exit");
      clearTimeout(timer);
    },
  };
}
