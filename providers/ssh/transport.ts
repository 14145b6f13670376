/**
 * The Transport of an SSH host. Commands reach the remote user's login shell as
 * one string: argv quoted word by word, scripts as a single `sh -c` argument so
 * that stdin stays free for the bytes the runtime sends (secrets, messages,
 * bundles). The login shell must understand POSIX single quotes (sh, bash, zsh,
 * dash, ksh, fish do).
 */
import {
  shellJoin,
  shellQuote as q,
  type ExecOptions,
  type ExecResult,
  type InteractiveCommand,
  type Transport,
} from "../../src/core/contracts/transport.ts";
import { FleetError } from "../../src/core/errors.ts";
import type { SshConnection } from "./connection.ts";
import { ENV_NAME_PATTERN } from "../../src/core/names.ts";

export class SshTransport implements Transport {
  readonly fleetDir: string;
  readonly connection: SshConnection;

  constructor(connection: SshConnection, fleetDir: string) {
    this.connection = connection;
    this.fleetDir = fleetDir;
  }

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new Error("exec: empty argv"));
    return this.connection.run(remoteCommand(argv, options), options);
  }

  script(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // What fleet makes in ~/.fleet is 0600/0700, whatever the login's umask.
    return this.connection.run(
      remoteCommand(["sh", "-c", `umask 077\n${script}`], options),
      options,
    );
  }

  interactive(argv: string[], options: { tty: boolean; cwd?: string }): InteractiveCommand {
    return this.connection.command(remoteCommand(argv, options), { tty: options.tty });
  }
}

/** argv as one command line for the remote login shell, in `cwd`, with `env` added. */
export function remoteCommand(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): string {
  const env = Object.entries(options.env ?? {}).map(([key, value]) => {
    if (!ENV_NAME_PATTERN.test(key)) {
      throw new FleetError("INVALID_ENV", `"${key}" is not a valid environment variable name`);
    }
    return `${key}=${value}`;
  });
  const command = shellJoin(env.length > 0 ? ["env", ...env, ...argv] : argv);
  return options.cwd === undefined ? command : `cd ${q(options.cwd)} && ${command}`;
}
