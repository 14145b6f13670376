/**
 * The first use of an SSH host in a process: check that the host has what fleet
 * needs (tmux, git, flock), create its fleet dir and learn where that is. Done
 * once per process and host, in the same round trip as the first command where
 * it can be (discovery folds it into its probe). Nothing is created on a host
 * that lacks a tool.
 */
import type { ExecOptions, ExecResult, Transport } from "../../src/core/contracts/transport.ts";
import type { FleetEnv } from "../../src/core/env.ts";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { shellQuote as q } from "../../src/core/contracts/transport.ts";
import { sections } from "../../src/core/host/script-output.ts";
import { SshConnection } from "./connection.ts";
import { SshTransport, remoteCommand } from "./transport.ts";

export const REQUIRED_TOOLS = ["tmux", "git", "flock"] as const;
/** A host that failed is tried again after this long (in long-running processes). */
const FAILURE_TTL_MS = 10_000;

/** Shell words for the fleet dir: `~/x` is the remote user's home, the default `~/.fleet`. */
function fleetDirWords(setting: string | undefined): string {
  const dir = setting ?? "~/.fleet";
  return dir.startsWith("~/") ? `"$HOME"/${q(dir.slice(2))}` : q(dir);
}

/**
 * Checks the tools, then creates the fleet dir and leaves the shell in it. Prints
 * `@@fleet:ssh-missing` and the missing tools, or `@@fleet:ssh-ready` and the dir.
 */
export function bootstrapScript(fleetDir: string | undefined): string {
  return [
    "umask 077",
    "fleet_missing=",
    `for fleet_tool in ${REQUIRED_TOOLS.join(" ")}; do command -v "$fleet_tool" >/dev/null 2>&1 || fleet_missing="$fleet_missing $fleet_tool"; done`,
    'if [ -n "$fleet_missing" ]; then echo @@fleet:ssh-missing; echo "$fleet_missing"; exit 0; fi',
    `fleet_dir=${fleetDirWords(fleetDir)}`,
    '{ [ -d "$fleet_dir" ] || mkdir -p "$fleet_dir"; } && cd "$fleet_dir" || { echo "@@fleet:error cannot create the fleet dir $fleet_dir"; exit 1; }',
    "echo @@fleet:ssh-ready",
    "pwd",
  ].join("\n");
}

/** The fleet dir the bootstrap reported; throws HOST_MISSING_TOOLS or the script's error. */
export function bootstrapResult(host: HostSpec, address: string, result: ExecResult): string {
  const parts = sections(result.stdout);
  const missing = parts.get("ssh-missing");
  if (missing) {
    const tools = (missing[0] ?? "").trim().split(/\s+/).filter(Boolean);
    throw new FleetError(
      "HOST_MISSING_TOOLS",
      `host ${host.name} (${address}) lacks ${tools.join(", ")}: fleet needs ${REQUIRED_TOOLS.join(", ")} there; nothing was changed on it`,
      {
        hint: `install ${tools.join(" and ")} on the host (Debian/Ubuntu: sudo apt-get install ${tools.map((t) => (t === "flock" ? "util-linux" : t)).join(" ")})`,
        details: { missing: tools },
      },
    );
  }
  // Once ready, the exit code is that of whatever ran after the bootstrap.
  const dir = parts.get("ssh-ready")?.[0];
  if (dir === undefined || !dir.startsWith("/")) {
    const expected = /^@@fleet:error (.*)$/m.exec(result.stdout)?.[1];
    throw new FleetError(
      "HOST_SETUP_FAILED",
      `cannot prepare host ${host.name} (${address}): ${expected ?? (result.stderr.trim() || `exit code ${result.code}`)}`,
      { fault: "system" },
    );
  }
  return dir;
}

interface Entry {
  transport: Promise<SshTransport>;
  failedAt?: number;
}

const sessions = new Map<string, Entry>();

const sessionKey = (host: HostSpec, env: FleetEnv): string =>
  JSON.stringify([env.home, host.name, host.config]);

/** The host's transport, connecting and checking the host on first use. */
export function openTransport(
  host: HostSpec,
  env: FleetEnv,
  processEnv: NodeJS.ProcessEnv,
): Promise<SshTransport> {
  const entry = liveEntry(host, env);
  if (entry) return entry.transport;
  return remember(host, env, async () => {
    const connection = new SshConnection(host, env, processEnv);
    await connection.prepare();
    const known = readBootstrapped(connection);
    if (known !== undefined) return new SshTransport(connection, known);
    const result = await connection.run(
      remoteCommand(["sh", "-c", bootstrapScript(connection.config.fleetDir)]),
    );
    const fleetDir = bootstrapResult(host, connection.words.address, result);
    writeBootstrapped(connection, fleetDir);
    return new SshTransport(connection, fleetDir);
  });
}

/**
 * What the bootstrap learnt (the host has its tools; its fleet dir's absolute
 * path), kept beside the ControlMaster socket: while that connection lives the
 * answer holds, so a new fleet process need not ask again (one round trip saved
 * on every `fleet exec`). Gone with the socket, and then asked again.
 */
const bootstrappedFile = (connection: SshConnection): string =>
  `${connection.controlPath}.fleetdir`;

function readBootstrapped(connection: SshConnection): string | undefined {
  if (!existsSync(connection.controlPath)) return undefined;
  try {
    const dir = readFileSync(bootstrappedFile(connection), "utf8").trim();
    return dir.startsWith("/") ? dir : undefined;
  } catch {
    return undefined;
  }
}

function writeBootstrapped(connection: SshConnection, fleetDir: string): void {
  try {
    writeFileSync(bootstrappedFile(connection), fleetDir + "\n", { mode: 0o600 });
  } catch {
    // Only a shortcut: the next process bootstraps again.
  }
}

/**
 * Runs `use` with a transport to the host. When the host is not open yet, the
 * first script `use` runs carries the bootstrap too (one round trip instead of
 * two): it runs inside the fleet dir, which is `.` for it until the bootstrap
 * has said where that is.
 */
export async function withFirstUse<T>(
  host: HostSpec,
  env: FleetEnv,
  processEnv: NodeJS.ProcessEnv,
  use: (transport: Transport) => Promise<T>,
): Promise<T> {
  const entry = liveEntry(host, env);
  if (entry) return use(await entry.transport);
  let resolveOpen!: (transport: SshTransport) => void;
  let rejectOpen!: (error: unknown) => void;
  const opened = new Promise<SshTransport>((resolve, reject) => {
    resolveOpen = resolve;
    rejectOpen = reject;
  });
  opened.catch(() => undefined);
  void remember(host, env, () => opened);
  let connection: SshConnection;
  try {
    connection = new SshConnection(host, env, processEnv);
    await connection.prepare();
  } catch (error) {
    rejectOpen(error);
    throw error;
  }
  const known = readBootstrapped(connection);
  if (known !== undefined) {
    const transport = new SshTransport(connection, known);
    resolveOpen(transport);
    return use(transport);
  }
  let bootstrapped = false;
  const first: Transport = {
    fleetDir: ".",
    script: async (script: string, options: ExecOptions = {}) => {
      if (bootstrapped)
        throw new Error("withFirstUse: only the first script carries the bootstrap");
      bootstrapped = true;
      try {
        const combined = `${bootstrapScript(connection.config.fleetDir)}\n${script}`;
        const result = await connection.run(
          remoteCommand(["sh", "-c", combined], options),
          options,
        );
        const fleetDir = bootstrapResult(host, connection.words.address, result);
        writeBootstrapped(connection, fleetDir);
        resolveOpen(new SshTransport(connection, fleetDir));
        return result;
      } catch (error) {
        rejectOpen(error);
        throw error;
      }
    },
    exec: () => Promise.reject(new Error("withFirstUse: exec before the bootstrap")),
    interactive: () => {
      throw new Error("withFirstUse: interactive before the bootstrap");
    },
  };
  try {
    return await use(first);
  } finally {
    if (!bootstrapped) {
      sessions.delete(sessionKey(host, env));
      rejectOpen(new Error(`host ${host.name} was not opened`));
    }
  }
}

function liveEntry(host: HostSpec, env: FleetEnv): Entry | undefined {
  const key = sessionKey(host, env);
  const entry = sessions.get(key);
  if (entry?.failedAt !== undefined && Date.now() - entry.failedAt > FAILURE_TTL_MS) {
    sessions.delete(key);
    return undefined;
  }
  return entry;
}

function remember(
  host: HostSpec,
  env: FleetEnv,
  open: () => Promise<SshTransport>,
): Promise<SshTransport> {
  const key = sessionKey(host, env);
  const entry: Entry = { transport: open() };
  entry.transport.catch(() => {
    entry.failedAt = Date.now();
  });
  sessions.set(key, entry);
  return entry.transport;
}

/** Forgets open hosts (after trust or keygen changed how to connect). */
export function forgetSessions(): void {
  sessions.clear();
}
