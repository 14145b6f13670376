/**
 * How fleet reaches a host's shell. Agents run in tmux on every provider, so the
 * agent runtime (src/core/host) is written once against this interface; local,
 * docker and ssh providers differ only in how they carry a command there.
 */
export interface ExecOptions {
  /** Bytes or text fed to the command's stdin, which is then closed. */
  input?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The raw stdout, for binary payloads (bundles, archives). */
  stdoutBytes: Buffer;
}

export interface InteractiveCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface Transport {
  /** The host's fleet dir, absolute on that host (`~/.fleet` locally, `/fleet` in containers). */
  readonly fleetDir: string;
  /** Runs argv on the host and collects its output. Never rejects for a non-zero exit. */
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a POSIX sh script on the host in one round trip. */
  script(script: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * The command that runs argv on the host with the user's terminal attached
   * (connect, exec): spawned by the CLI with inherited stdio.
   */
  interactive(argv: string[], options: { tty: boolean; cwd?: string }): InteractiveCommand;
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

export const shellJoin = (argv: readonly string[]): string => argv.map(shellQuote).join(" ");

/** `grep -qiF -e TEXT...`: true when its input holds any of the texts, in any case. */
export const grepAnyText = (texts: readonly string[]): string =>
  `grep -qiF ${texts.map((text) => `-e ${shellQuote(text)}`).join(" ")}`;
