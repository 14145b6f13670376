/**
 * One SSH host as the system OpenSSH client reaches it. Every command shares one
 * multiplexed connection (ControlMaster, kept 10 minutes after its last use), so
 * only the first costs a handshake. Host keys are checked strictly against what
 * fleet pinned (`fleet host trust` or the fleet file's hostKey), never learned
 * silently. The user's ~/.ssh/config and ssh-agent still apply; fleet's options
 * on the command line take precedence over the config where they overlap.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type {
  ExecOptions,
  ExecResult,
  InteractiveCommand,
} from "../../src/core/contracts/transport.ts";
import type { FleetEnv } from "../../src/core/env.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { HostSpec } from "../../src/core/model.ts";
import { describeAddress, keyLines, sshConfig, type SshHostConfig } from "./host-config.ts";
import {
  fingerprint,
  keyTypeLabel,
  knownHostsText,
  parseKeys,
  preferredKey,
  readKnownHosts,
  scanHostKeys,
} from "./host-keys.ts";
import { controlPath, fleetFileKeysFile, hostKeyFile, trustedKeysFile } from "./paths.ts";
import {
  authError,
  hostKeyChangedError,
  hostKeyUnknownError,
  sshFailure,
  unreachableError,
  type HostWords,
  type SshFailure,
} from "./ssh-errors.ts";
import { runProcess } from "./ssh-process.ts";

/** Seconds: an unreachable host must not hold up `fleet list` for long. */
export const DEFAULT_CONNECT_TIMEOUT_S = 5;
const CONTROL_PERSIST = "10m";
/**
 * Commands in flight at once on one connection. sshd allows 10 sessions per
 * connection by default (MaxSessions); one is left for the host lock and one
 * for an attached terminal.
 */
const MAX_SESSIONS = 8;

export interface ResolvedTarget {
  hostname: string;
  port: number;
  user: string;
  /** Seconds, when ~/.ssh/config sets one. */
  connectTimeout: number | undefined;
}

export interface SshRunOptions extends ExecOptions {
  /** False lets ssh ask for a password or passphrase on the terminal (keygen over a password login). */
  batchMode?: boolean;
}

export class SshConnection {
  readonly host: HostSpec;
  readonly config: SshHostConfig;
  readonly env: FleetEnv;
  readonly processEnv: NodeJS.ProcessEnv;
  /** The known_hosts file ssh checks this host against. */
  readonly knownHostsFile: string;
  readonly controlPath: string;
  /** The key fleet logs in with, when it chooses one (identityFile, else the host's fleet key). */
  readonly identityFile: string | undefined;
  readonly words: HostWords;
  private connectTimeout = DEFAULT_CONNECT_TIMEOUT_S;
  /** Set once a command got through: a bare exit 255 is then the remote command's. */
  private connected = false;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(host: HostSpec, env: FleetEnv, processEnv: NodeJS.ProcessEnv) {
    this.host = host;
    this.config = sshConfig(host);
    this.env = env;
    this.processEnv = processEnv;
    this.knownHostsFile =
      this.config.hostKey === undefined
        ? trustedKeysFile(env, host.name)
        : fleetFileKeysFile(env, host.name);
    this.controlPath = controlPath(env, host.name, this.config, this.knownHostsFile);
    const fleetKey = hostKeyFile(env, host.name);
    this.identityFile = this.config.identityFile ?? (existsSync(fleetKey) ? fleetKey : undefined);
    this.words = { name: host.name, address: describeAddress(this.config) };
  }

  /**
   * Writes what ssh reads (the socket dir, the fleet file's pinned keys) and, when
   * no connection is open yet, learns the user's ConnectTimeout (kept if lower).
   */
  async prepare(): Promise<void> {
    mkdirPrivate(dirname(this.controlPath));
    if (this.config.hostKey !== undefined) {
      const text = knownHostsText(
        this.host.name,
        parseKeys(keyLines(this.config.hostKey).join("\n")),
      );
      mkdirPrivate(dirname(this.knownHostsFile));
      if (readText(this.knownHostsFile) !== text)
        writeFileSync(this.knownHostsFile, text, { mode: 0o600 });
    }
    if (!existsSync(this.controlPath)) {
      const configured = (await this.resolveTarget()).connectTimeout;
      if (configured !== undefined && configured > 0 && configured < this.connectTimeout) {
        this.connectTimeout = configured;
      }
    }
  }

  /** Where ssh really connects, after ~/.ssh/config (`ssh -G`: reads config only, no network). */
  async resolveTarget(): Promise<ResolvedTarget> {
    const port = this.config.port === undefined ? [] : ["-p", String(this.config.port)];
    const result = await runProcess("ssh", ["-G", ...port, "--", this.config.address], {
      env: this.processEnv,
    });
    const values = new Map<string, string>();
    for (const line of result.stdout.split("\n")) {
      const space = line.indexOf(" ");
      if (space > 0 && !values.has(line.slice(0, space)))
        values.set(line.slice(0, space), line.slice(space + 1));
    }
    const timeout = Number(values.get("connecttimeout"));
    const at = this.config.address.lastIndexOf("@");
    return {
      hostname: values.get("hostname") ?? this.config.address.slice(at + 1),
      port: Number(values.get("port") ?? this.config.port ?? 22),
      user: values.get("user") ?? (at > 0 ? this.config.address.slice(0, at) : ""),
      connectTimeout: Number.isFinite(timeout) ? timeout : undefined,
    };
  }

  /**
   * ssh's options for every command to this host. `only` logs in with that key
   * alone, on a connection of its own (to prove a key works).
   */
  sshOptions(options: { batchMode?: boolean; only?: string; dedicated?: boolean } = {}): string[] {
    const o = (setting: string): string[] => ["-o", setting];
    const identity = options.only ?? this.identityFile;
    return [
      ...o(`BatchMode=${options.batchMode === false ? "no" : "yes"}`),
      // dedicated: a connection of its own that outlives the shared one (a forward).
      ...(options.dedicated === true
        ? [...o("ControlMaster=no"), ...o("ControlPath=none")]
        : options.only === undefined
          ? [
              ...o("ControlMaster=auto"),
              ...o(`ControlPath=${configPath(this.controlPath)}`),
              ...o(`ControlPersist=${CONTROL_PERSIST}`),
            ]
          : [
              ...o("ControlMaster=no"),
              ...o("ControlPath=none"),
              ...o("IdentitiesOnly=yes"),
              ...o("IdentityAgent=none"),
            ]),
      ...o("StrictHostKeyChecking=yes"),
      ...o(`UserKnownHostsFile=${configPath(this.knownHostsFile)}`),
      ...o("GlobalKnownHostsFile=/dev/null"),
      ...o(`HostKeyAlias=${this.host.name}`),
      ...o("CheckHostIP=no"),
      ...o("UpdateHostKeys=no"),
      ...o(`ConnectTimeout=${this.connectTimeout}`),
      ...o("ServerAliveInterval=15"),
      ...o("ServerAliveCountMax=3"),
      ...o("LogLevel=ERROR"),
      ...(this.config.port === undefined ? [] : ["-p", String(this.config.port)]),
      ...(identity === undefined ? [] : ["-i", configPath(identity)]),
    ];
  }

  /** The ssh command line running `remote` (a command for the remote login shell). */
  command(remote: string, options: { tty: boolean; batchMode?: boolean }): InteractiveCommand {
    return {
      command: "ssh",
      args: [
        ...this.sshOptions(options),
        options.tty ? "-t" : "-T",
        "--",
        this.config.address,
        remote,
      ],
    };
  }

  /**
   * Runs `remote` and collects its output. Rejects with a FleetError when ssh
   * itself fails (unreachable, host key, login); a remote non-zero exit resolves.
   */
  async run(remote: string, options: SshRunOptions = {}): Promise<ExecResult> {
    const { command, args } = this.command(remote, { tty: false, ...options });
    const result = await this.session(() =>
      runProcess(command, args, {
        env: this.processEnv,
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
    );
    const failure = sshFailure(result.code, result.stderr, this.connected);
    if (failure) throw await this.failureError(failure);
    this.connected = true;
    return result;
  }

  private async session<T>(run: () => Promise<T>): Promise<T> {
    // A finishing command hands its slot straight to the next one waiting.
    if (this.running >= MAX_SESSIONS)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Ends the shared connection, if one is open (after a key changed, in tests). */
  async close(): Promise<void> {
    if (!existsSync(this.controlPath)) return;
    await runProcess(
      "ssh",
      [
        "-o",
        `ControlPath=${configPath(this.controlPath)}`,
        "-O",
        "exit",
        "--",
        this.config.address,
      ],
      { env: this.processEnv, timeoutMs: 5000 },
    );
  }

  private async failureError(failure: SshFailure): Promise<FleetError> {
    switch (failure.kind) {
      case "unreachable":
        return unreachableError(this.words, failure.reason, this.config.port);
      case "auth":
        return authError(this.words, failure.reason, this.identityFile);
      case "hostkey-changed": {
        const pinned = await readKnownHosts(this.knownHostsFile);
        return hostKeyChangedError(
          this.words,
          { label: failure.keyType ?? "host", fingerprint: failure.fingerprint },
          {
            source:
              this.config.hostKey === undefined
                ? `${this.knownHostsFile} (from \`fleet host trust\`)`
                : "the fleet file's hostKey",
            fingerprints: pinned.map((key) => `${keyTypeLabel(key.type)} ${fingerprint(key)}`),
          },
        );
      }
      case "hostkey-unknown": {
        try {
          const keys = await scanHostKeys(await this.resolveTarget(), this.processEnv);
          const key = preferredKey(keys, failure.keyType);
          return hostKeyUnknownError(
            this.words,
            key && { label: keyTypeLabel(key.type), fingerprint: fingerprint(key) },
            undefined,
          );
        } catch (error) {
          return hostKeyUnknownError(this.words, undefined, (error as Error).message);
        }
      }
      case "other":
        return new FleetError(
          "SSH_FAILED",
          `ssh to host ${this.host.name} (${this.words.address}) failed: ${failure.reason}`,
          {
            fault: "system",
            hint: `try \`ssh ${this.config.address}\` by hand to see why`,
          },
        );
    }
  }
}

/** ssh expands `%` tokens and `~` in paths, and splits on spaces unless quoted. */
function configPath(path: string): string {
  const escaped = path.replaceAll("%", "%%");
  if (!/\s/.test(escaped)) return escaped;
  if (escaped.includes('"')) {
    throw new FleetError("SSH_PATH_UNSUPPORTED", `ssh cannot use the path ${path}`, {
      hint: "use a FLEET_HOME and key paths without double quotes",
    });
  }
  return `"${escaped}"`;
}

/** Creates a dir only this user can enter; a shared dir someone else owns is refused. */
function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.();
  if (uid !== undefined && statSync(dir).uid !== uid) {
    throw new FleetError("SSH_SOCKET_DIR_UNSAFE", `${dir} belongs to another user`, {
      fault: "system",
      hint: "remove it, or set FLEET_HOME to a shorter path of your own",
    });
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
