/**
 * Per-test-file isolation: a temp FLEET_HOME, its own tmux server (TMUX_TMPDIR)
 * and a unique FLEET_PREFIX, all removed by cleanup().
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const fleetBin = join(repoRoot, "bin", "fleet.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  home: string;
  tmuxTmpdir: string;
  prefix: string;
  env: NodeJS.ProcessEnv;
  /** Runs the built `fleet` CLI in this sandbox. */
  fleet(
    args: string[],
    options?: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): Promise<RunResult>;
  /** Runs tmux against this sandbox's server. */
  tmux(args: string[]): Promise<RunResult>;
  /** Makes a git repo with one commit under the sandbox; returns its path. */
  gitRepo(name: string, files?: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

let counter = 0;

export async function makeSandbox(label: string): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), `fleet-test-${label}-`));
  const home = join(dir, "home");
  const tmuxTmpdir = join(dir, "tmux");
  await mkdir(home, { recursive: true });
  await mkdir(tmuxTmpdir, { recursive: true });
  const prefix = `ft${process.pid.toString(36)}${(counter++).toString(36)}-`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLEET_HOME: home,
    TMUX_TMPDIR: tmuxTmpdir,
    FLEET_PREFIX: prefix,
    TMUX: "",
    GIT_AUTHOR_NAME: "fleet test",
    GIT_AUTHOR_EMAIL: "test@fleet.invalid",
    GIT_COMMITTER_NAME: "fleet test",
    GIT_COMMITTER_EMAIL: "test@fleet.invalid",
  };
  delete env.TMUX;

  const run = (
    command: string,
    args: string[],
    options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ) =>
    new Promise<RunResult>((resolvePromise, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd ?? dir,
        env: { ...env, ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      // A child may exit before reading its stdin (tmux kill-server): that is not a failure.
      child.stdin.on("error", () => undefined);
      // A command that hangs (a lock waited on forever) fails its test instead of hanging it.
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              stderr += `\n[test] killed: still running after ${options.timeoutMs} ms\n`;
              child.kill("SIGKILL");
            }, options.timeoutMs);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolvePromise({ code: code ?? 124, stdout, stderr });
      });
      child.stdin.end(options.input ?? "");
    });

  return {
    dir,
    home,
    tmuxTmpdir,
    prefix,
    env,
    fleet: (args, options) => run(process.execPath, [fleetBin, ...args], options),
    tmux: (args) => run("tmux", args),
    async gitRepo(name, files = { "README.md": "# test repo\n" }) {
      const repo = join(dir, name);
      await mkdir(repo, { recursive: true });
      for (const [file, content] of Object.entries(files))
        await writeFile(join(repo, file), content);
      const git = (...args: string[]) => execFileAsync("git", args, { cwd: repo, env });
      await git("init", "-q", "-b", "main");
      await git("add", "-A");
      await git("commit", "-qm", "initial");
      return repo;
    },
    async cleanup() {
      await run("tmux", ["kill-server"]).catch(() => undefined);
      // The agents' bus daemon a launch started (it would also leave by itself once its pid file is gone).
      const busPid = Number(
        await readFile(join(home, "bus", "daemon.pid"), "utf8").catch(() => ""),
      );
      if (Number.isInteger(busPid) && busPid > 0) {
        try {
          process.kill(busPid, "SIGTERM");
          await waitForExit(busPid, 3_000);
        } catch {
          // Already gone.
        }
      }
      // A pane's wrapper or the bus daemon may still write its last file while they exit;
      // rm's own retries cover ENOTEMPTY from such a late write.
      await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 25));
  }
}

/** Polls until check() returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
