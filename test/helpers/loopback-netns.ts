/**
 * A network namespace with only loopback, for the real-agent tests: the sandbox's
 * tmux server is started inside it (so every agent fleet starts there runs in it),
 * and the fake model server is started in the same namespace (`nsenter -t <tmux
 * server pid> -n`). Fleet itself stays outside and talks to tmux through its
 * socket file. Nothing the agents send can leave loopback.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readlink } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { LoggedRequest } from "./fake-model/server.ts";
import { repoRoot, type Sandbox } from "./sandbox.ts";

/** The session that keeps the namespaced tmux server alive (not an agent: no fleet prefix). */
const HOLD_SESSION = "netns-hold";

export interface LoopbackNamespace {
  /** The tmux server's pid: the namespace is its. */
  pid: number;
  /** The fake model's port inside the namespace (127.0.0.1). */
  port: number;
  /** Every request the fake model got, oldest first. */
  requests(): LoggedRequest[];
  stop(): Promise<void>;
}

/** Why the namespace cannot be made here, or undefined when it can. */
export function netnsSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to make a network namespace (unshare -n)";
  for (const tool of ["/usr/bin/unshare", "/usr/bin/nsenter"]) {
    if (!existsSync(tool)) return `${tool} is missing (util-linux)`;
  }
  if (!existsSync("/usr/sbin/ip") && !existsSync("/sbin/ip")) return "ip is missing (iproute2)";
  return undefined;
}

/**
 * Where `npm ci` puts the real CLIs. OpenCode is its platform package alone
 * (opencode-linux-x64): the `opencode-ai` wrapper lists a dozen platform packages,
 * most of which the registries reachable here do not serve, so its lock file
 * cannot be complete and `npm ci` refuses it.
 */
export const REAL_CLI_DIRS = [
  join(repoRoot, "node_modules", ".bin"),
  join(repoRoot, "node_modules", "opencode-linux-x64", "bin"),
];

/** PATH for an agent running a real CLI. */
export const realCliPath = (): string => [...REAL_CLI_DIRS, process.env.PATH ?? ""].join(":");

/** Why a real CLI cannot run, or undefined: it must be installed by `npm ci`. */
export function cliSkipReason(binary: string): string | undefined {
  const found = REAL_CLI_DIRS.some((dir) => existsSync(join(dir, binary)));
  return found
    ? undefined
    : `${binary} is not installed (looked in ${REAL_CLI_DIRS.join(", ")}); run npm ci`;
}

export async function startLoopbackNamespace(sb: Sandbox): Promise<LoopbackNamespace> {
  const started = await run(
    "unshare",
    ["-n", "sh", "-c", `ip link set lo up && tmux new-session -d -s ${HOLD_SESSION}`],
    sb,
  );
  if (started.code !== 0) throw new Error(`unshare -n failed: ${started.stderr}`);
  const shown = await sb.tmux(["display-message", "-p", "-t", HOLD_SESSION, "#{pid}"]);
  const pid = Number(shown.stdout.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no tmux server pid: ${shown.stdout}`);
  const [inside, outside] = await Promise.all([
    readlink(`/proc/${pid}/ns/net`),
    readlink("/proc/self/ns/net"),
  ]);
  if (inside === outside) throw new Error("the tmux server is not in a namespace of its own");

  const logFile = join(sb.dir, "fake-model-requests.jsonl");
  const server = spawn(
    "nsenter",
    [
      "-t",
      String(pid),
      "-n",
      process.execPath,
      join(repoRoot, "test", "helpers", "fake-model", "main.ts"),
      "--log",
      logFile,
    ],
    { stdio: ["pipe", "pipe", "inherit"], env: sb.env },
  );
  const port = await listeningPort(server);
  return {
    pid,
    port,
    requests: () =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as LoggedRequest)
        : [],
    async stop() {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.stdin?.end();
      server.kill("SIGTERM");
      await exited;
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error("no stdout"));
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const port = Number(/^listening (\d+)$/.exec(line)?.[1]);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`fake model said: ${line}`));
    });
    child.once("exit", (code) => reject(new Error(`fake model exited (${code})`)));
  });
}

function run(
  command: string,
  args: string[],
  sb: Sandbox,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: sb.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}
