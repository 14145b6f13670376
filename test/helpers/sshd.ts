/**
 * A real OpenSSH server for tests: Debian's /usr/sbin/sshd on 127.0.0.1 and a free
 * port, run as the current user with its own host key, authorized_keys and
 * client key in a temp dir. Sessions get a temp HOME (so the host's fleet dir,
 * ~/.fleet, is a temp dir too) and their own TMUX_TMPDIR (so remote agents never
 * touch the machine's real tmux server), set by sshd's SetEnv. `without` leaves
 * tools out of the sessions' PATH, to play a host that lacks them.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
export const SSHD = "/usr/sbin/sshd";
const SYSTEM_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export interface Sshd {
  port: number;
  /** user@127.0.0.1 */
  address: string;
  dir: string;
  /** Private key the server accepts (authorized_keys). */
  clientKey: string;
  /** The server's public host key line, `ssh-ed25519 AAAA...`. */
  hostKey: string;
  /** Its fingerprint as `ssh-keygen -lf` prints it, `SHA256:...`. */
  hostFingerprint: string;
  /** HOME of the server's sessions. */
  remoteHome: string;
  /** The fleet dir fleet makes there (`~/.fleet`). */
  fleetDir: string;
  remoteTmuxTmpdir: string;
  /** A fleet file host entry (YAML flow map) for this server. */
  hostEntry(extra?: Record<string, string | number>): string;
  /** Runs tmux against the server sessions' tmux server. */
  remoteTmux(args: string[]): Promise<{ code: number; stdout: string }>;
  /** Starts again on the same port; with `newHostKey`, as if the host was reinstalled. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Why ssh tests cannot run here, or undefined when they can. */
export function sshdSkipReason(): string | undefined {
  if (!existsSync(SSHD))
    return `${SSHD} is missing: install openssh-server (scripts/setup-test-env.sh does)`;
  if (!SYSTEM_PATH.some((dir) => existsSync(join(dir, "ssh"))))
    return "the ssh client is missing: install openssh-client";
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startSshd(
  options: { label?: string; without?: string[] } = {},
): Promise<Sshd> {
  const dir = await mkdtemp(join(tmpdir(), `fleet-sshd-${options.label ?? "t"}-`));
  const remoteHome = join(dir, "home");
  const remoteTmuxTmpdir = join(dir, "tmux");
  await mkdir(join(remoteHome, ".ssh"), { recursive: true });
  await mkdir(remoteTmuxTmpdir, { recursive: true });
  // sshd refuses to start without its privilege separation dir.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, "host_ed25519");
  const clientKey = join(dir, "client_ed25519");
  await keygen(hostKeyPath);
  await keygen(clientKey);
  await writeFile(join(dir, "authorized_keys"), await readFile(`${clientKey}.pub`));
  let sessionPath: string | undefined;
  if (options.without && options.without.length > 0) {
    sessionPath = join(dir, "bin");
    await linkToolsExcept(sessionPath, options.without);
  }
  const port = await freePort();
  const user = userInfo().username;
  const config = join(dir, "sshd_config");
  // A UTF-8 locale as a stock server has it: without one, tmux prints a tab in a
  // -F format as "_" and fleet's pane listing cannot be split.
  const setEnv = [
    `HOME=${remoteHome}`,
    `TMUX_TMPDIR=${remoteTmuxTmpdir}`,
    "LANG=C.UTF-8",
    ...(sessionPath ? [`PATH=${sessionPath}`] : []),
  ];
  await writeFile(
    config,
    [
      "ListenAddress 127.0.0.1",
      `Port ${port}`,
      `HostKey ${hostKeyPath}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")} ${join(remoteHome, ".ssh", "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      "StrictModes no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitUserEnvironment no",
      "PrintMotd no",
      `SetEnv ${setEnv.join(" ")}`,
      "",
    ].join("\n"),
  );

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(SSHD, ["-D", "-f", config, "-E", join(dir, "sshd.log")], { stdio: "ignore" });
    await waitForPort(port, child);
  };
  const stopServer = async (): Promise<void> => {
    const server = child;
    child = undefined;
    if (!server?.pid) return;
    // Connection handlers are the listener's children; end them with it.
    for (const pid of await childrenOf(server.pid)) killQuietly(pid);
    const exited = new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) resolve();
      else server.once("exit", () => resolve());
    });
    killQuietly(server.pid);
    await exited;
  };
  await start();

  const readHostKey = async (): Promise<{ line: string; fingerprint: string }> => {
    const line = (await readFile(`${hostKeyPath}.pub`, "utf8"))
      .trim()
      .split(" ")
      .slice(0, 2)
      .join(" ");
    const { stdout } = await execFileAsync("ssh-keygen", ["-lf", `${hostKeyPath}.pub`]);
    return { line, fingerprint: stdout.split(" ")[1] ?? "" };
  };
  const first = await readHostKey();
  const remoteTmux = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        "tmux",
        args,
        { env: { ...process.env, TMUX_TMPDIR: remoteTmuxTmpdir, TMUX: "" } },
        (error, stdout) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
        },
      );
    });

  const sshd: Sshd = {
    port,
    address: `${user}@127.0.0.1`,
    dir,
    clientKey,
    hostKey: first.line,
    hostFingerprint: first.fingerprint,
    remoteHome,
    fleetDir: join(remoteHome, ".fleet"),
    remoteTmuxTmpdir,
    hostEntry(extra = {}) {
      const fields: Record<string, string | number> = {
        provider: "ssh",
        address: sshd.address,
        port,
        identityFile: clientKey,
        ...extra,
      };
      return `{ ${Object.entries(fields)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join(", ")} }`;
    },
    remoteTmux,
    async restart(restartOptions = {}) {
      await stopServer();
      if (restartOptions.newHostKey) {
        await rm(hostKeyPath, { force: true });
        await rm(`${hostKeyPath}.pub`, { force: true });
        await keygen(hostKeyPath);
        const next = await readHostKey();
        sshd.hostKey = next.line;
        sshd.hostFingerprint = next.fingerprint;
      }
      await start();
    },
    async stop() {
      await remoteTmux(["kill-server"]);
      await stopServer();
      await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };
  return sshd;
}

/** Ends the ControlMaster connections fleet left open under a FLEET_HOME. */
export async function closeSshMasters(fleetHome: string): Promise<void> {
  const dir = join(fleetHome, "ssh", "cm");
  const sockets = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    sockets.map((socket) =>
      execFileAsync("ssh", ["-o", `ControlPath=${join(dir, socket)}`, "-O", "exit", "fleet-test"], {
        timeout: 5000,
      }).catch(() => undefined),
    ),
  );
}

async function keygen(path: string): Promise<void> {
  await execFileAsync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "fleet-test",
    "-f",
    path,
  ]);
}

/** A dir of links to every program on the system PATH but `without`. */
async function linkToolsExcept(bin: string, without: string[]): Promise<void> {
  await mkdir(bin, { recursive: true });
  const linked = new Set<string>();
  for (const dir of SYSTEM_PATH) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (linked.has(name) || without.includes(name)) continue;
      linked.add(name);
      await symlink(join(dir, name), join(bin, name));
    }
  }
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on port ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Processes whose parent is `pid`, read from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}
