import { usageError } from "../../core/errors.ts";

/**
 * Completion scripts are plain shell: completing never starts Node, so it costs
 * a `tmux list-sessions` at most (agent names), well inside 30 ms.
 */
const COMMANDS = [
  "init",
  "validate",
  "plan",
  "apply",
  "destroy",
  "adopt",
  "reconcile",
  "list",
  "ls",
  "create",
  "connect",
  "exec",
  "message",
  "transcript",
  "logs",
  "stop",
  "start",
  "pull",
  "push",
  "snapshot",
  "host",
  "completion",
];
const AGENT_COMMANDS = [
  "connect",
  "exec",
  "message",
  "transcript",
  "logs",
  "stop",
  "start",
  "destroy",
  "adopt",
  "pull",
  "push",
  "snapshot",
];
const FLAGS: Record<string, string> = {
  plan: "-f --file -o --out --format --detailed-exitcode --json --debug --no-color",
  apply: "-f --file -y --yes --parallelism --engine --format --json --debug --no-color",
  destroy: "-f --file -y --yes --format --json --debug",
  adopt: "-y --yes --format --json --debug",
  list: "--host --state --fleet --format --json --debug",
  ls: "--host --state --fleet --format --json --debug",
  create:
    "--agent --host --template --command --workdir --env --secret --message --no-connect --format --json",
  validate: "-f --file --format --json",
  transcript: "--tail --format --json",
  logs: "--tail --follow --format --json",
  message: "--file --format --json",
  init: "--name --force",
  reconcile: "-f --file --dry-run --every --format --json",
  pull: "--repo --force --format --json",
  push: "--repo --format --json",
  host: "trust keygen",
  completion: "bash zsh",
};

function bashScript(): string {
  const flagCases = Object.entries(FLAGS)
    .map(([cmd, flags]) => `      ${cmd}) opts="${flags}" ;;`)
    .join("\n");
  return `# fleet bash completion: source <(fleet completion bash)
_fleet_agents() {
  local prefix="\${FLEET_PREFIX-fleet-}"
  tmux list-sessions -F '#{session_name}' 2>/dev/null | sed -n "s/^\${prefix}//p"
}
_fleet() {
  local cur cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${COMMANDS.join(" ")}" -- "$cur") )
    return
  fi
  case "$cur" in
    -*)
      case "$cmd" in
${flagCases}
        *) opts="--format --json --debug --help" ;;
      esac
      COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
      return ;;
  esac
  case "$cmd" in
    ${AGENT_COMMANDS.join("|")}) COMPREPLY=( $(compgen -W "$(_fleet_agents)" -- "$cur") ) ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ) ;;
    *) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
  esac
}
complete -F _fleet fleet
`;
}

function zshScript(): string {
  return `#compdef fleet
# fleet zsh completion: fleet completion zsh > "\${fpath[1]}/_fleet"
_fleet() {
  local -a commands agents
  commands=(${COMMANDS.join(" ")})
  if (( CURRENT == 2 )); then
    compadd -- $commands
    return
  fi
  case "$words[2]" in
    ${AGENT_COMMANDS.join("|")})
      agents=(\${(f)"$(tmux list-sessions -F '#{session_name}' 2>/dev/null | sed -n "s/^\${FLEET_PREFIX-fleet-}//p")"})
      compadd -- $agents ;;
    completion) compadd bash zsh ;;
    *) _files ;;
  esac
}
compdef _fleet fleet 2>/dev/null || _fleet "$@"
`;
}

export function run(shell: string): Promise<void> {
  if (shell === "bash") process.stdout.write(bashScript());
  else if (shell === "zsh") process.stdout.write(zshScript());
  else throw usageError(`no completion for shell "${shell}"`, "use bash or zsh");
  return Promise.resolve();
}
