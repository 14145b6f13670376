/**
 * What an agent's environment is made of, on every provider: a small base taken
 * from the host's shell, then the agent's own env (spec env, FLEET_* and ports)
 * and, for the agent process only, its secrets. Nothing else: not the tmux
 * server's environment, not the environment of whichever fleet command started
 * that server, not another agent's secrets.
 */

/**
 * The variables an agent inherits from its host's shell (when that shell has
 * them). TMUX_TMPDIR is where the host's tmux socket is: with it, `tmux` run by
 * an agent or by `fleet exec` reaches the server its agents run on.
 */
export const BASE_ENV_NAMES = [
  "PATH",
  "HOME",
  "USER",
  "SHELL",
  "TERM",
  "LANG",
  "TZ",
  "TMUX_TMPDIR",
] as const;

/**
 * Shell words (POSIX sh) that run what follows them in an environment holding
 * only the base: `env -i` and each base variable the current shell has, an unset
 * one staying unset (`${X+"X=$X"}` expands to no word at all then).
 */
export function cleanEnvWords(): string {
  return ["env -i", ...BASE_ENV_NAMES.map((name) => `\${${name}+"${name}=$${name}"}`)].join(" ");
}

/**
 * The first lines of a launcher script run as `sh FILE` (no arguments): it
 * starts itself over from the base environment, with an argument that says so.
 */
export function cleanStartLines(): string[] {
  return [
    `[ "\${1-}" = clean ] || exec ${cleanEnvWords()} sh "$0" clean`,
    // Everything the agent writes under its dir (markers, transcripts, logs) is its own.
    "umask 077",
  ];
}

/** Also passed to the tmux server fleet starts locally: its locale. */
const TMUX_ENV_NAMES = ["LC_ALL", "LC_CTYPE"] as const;

/**
 * The environment fleet gives the shells it runs on this machine as a host (and
 * so the tmux server it may start): the base and what tmux needs, nothing else.
 */
export function hostShellEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of [...BASE_ENV_NAMES, ...TMUX_ENV_NAMES]) {
    const value = env[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}
