/**
 * `fleet completion bash|zsh`: a script generated from the commander
 * definitions themselves (commands, flags, enum values), so it cannot drift
 * from what fleet parses. Completing never starts Node: agent names come from
 * one `tmux list-sessions` on fleet's own server (TMUX unset, TMUX_TMPDIR and
 * FLEET_PREFIX honoured) and from the names file `fleet list` keeps under
 * FLEET_HOME (stopped, docker and ssh agents); host names from FLEET_HOME/hosts.
 * Text from tmux or those files is only compared and listed, never expanded or
 * evaluated, and only when it has the shape of a fleet name.
 */
import type { Command } from "commander";
import { usageError } from "../../core/errors.ts";
import { type CompletionValues, completionValues } from "../completion-values.ts";
import { completionBody, type CompletionSpec, type PathSpec } from "./completion-script.ts";

const GLOBAL_FLAGS = ["--json", "--format", "--no-color", "--debug", "--help", "--version"];

export function run(shell: string, _options: unknown, command: Command): Promise<void> {
  let root = command;
  while (root.parent) root = root.parent;
  const spec = describe(root);
  if (shell === "bash") process.stdout.write(bashScript(spec));
  else if (shell === "zsh") process.stdout.write(zshScript(spec));
  else throw usageError(`no completion for shell "${shell}"`, "use bash or zsh");
  return Promise.resolve();
}

function describe(root: Command): CompletionSpec {
  const paths: PathSpec[] = [];
  const groups = new Map<string, string[]>();
  const aliases = new Map<string, string>();
  const topLevel: string[] = [];
  for (const command of root.commands) {
    topLevel.push(command.name(), ...command.aliases());
    for (const alias of command.aliases()) aliases.set(alias, command.name());
    if (command.commands.length > 0) {
      const subs = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
      groups.set(command.name(), subs);
      for (const sub of command.commands) {
        for (const name of [sub.name(), ...sub.aliases()]) {
          paths.push(pathSpec(`${command.name()} ${name}`, sub));
        }
      }
    } else {
      paths.push(pathSpec(command.name(), command));
    }
  }
  return { topLevel, groups, aliases, paths, globalFlags: GLOBAL_FLAGS };
}

function pathSpec(path: string, command: Command): PathSpec {
  const flags = ["--help"];
  const values: [string, CompletionValues | "none"][] = [];
  for (const option of command.options) {
    const names = [option.short, option.long].filter((n): n is string => n !== undefined);
    flags.push(...names);
    if (option.required || option.optional) {
      const offered = completionValues(option) ?? "none";
      for (const name of names) values.push([name, offered]);
    }
  }
  const positionals = command.registeredArguments.map((a) => argumentValues(a.name()));
  const last = command.registeredArguments.at(-1);
  return { path, flags, values, positionals, variadic: last?.variadic ?? false };
}

/** What a positional argument is, by its name in main.ts. */
function argumentValues(name: string): CompletionValues | "none" {
  if (name === "agent" || name === "agents") return "agents";
  if (name === "host") return "hosts";
  if (name === "shell") return ["bash", "zsh"];
  if (name === "plan") return "files";
  return "none";
}

function bashScript(spec: CompletionSpec): string {
  return `# fleet bash completion: source <(fleet completion bash)
${completionBody(spec)}
_fleet() {
  local -a _fleet_words=("\${COMP_WORDS[@]}") _fleet_reply=()
  local _fleet_cword=$COMP_CWORD _fleet_files=
  _fleet_complete
  COMPREPLY=("\${_fleet_reply[@]}")
  # Paths: let readline complete file names itself (nothing of ours is expanded).
  if [[ -n $_fleet_files ]]; then compopt -o default 2>/dev/null; fi
  return 0
}
complete -F _fleet fleet
`;
}

function zshScript(spec: CompletionSpec): string {
  return `#compdef fleet
# fleet zsh completion: fleet completion zsh > "\${fpath[1]}/_fleet" (or source <(fleet completion zsh))
${completionBody(spec)}
_fleet() {
  # Zero-based arrays as in bash, so both shells share one completion body.
  setopt localoptions ksharrays nullglob noshwordsplit
  local -a _fleet_words _fleet_reply
  _fleet_words=("\${words[@]}")
  local _fleet_cword=$((CURRENT - 1)) _fleet_files=
  _fleet_complete
  if [[ -n $_fleet_files ]]; then _files; return; fi
  (( \${#_fleet_reply[@]} > 0 )) && compadd -- "\${_fleet_reply[@]}"
  return 0
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _fleet "$@"
else
  compdef _fleet fleet
fi
`;
}
