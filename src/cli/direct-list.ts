/**
 * `fleet list` (`ls`) with plain options, read here instead of by commander: the
 * most frequent command, with a budget of 1.5× node's start plus one tmux call,
 * need not load commander and build every command's definition and help first.
 * Only the shapes below are read; anything else (help, `--opt=value`, a flag
 * given before the command, an unknown flag or argument) returns undefined and
 * goes to commander (src/cli/main.ts), which gives the same options for these.
 */
export interface DirectListOptions {
  format: string;
  color: boolean;
  selector: string[];
  json?: true;
  debug?: true;
  watch?: true;
  host?: string;
  state?: string;
  fleet?: string;
}

const VALUE_OPTIONS = {
  "--format": "format",
  "--host": "host",
  "--state": "state",
  "--fleet": "fleet",
} as const;

export function directListOptions(args: readonly string[]): DirectListOptions | undefined {
  if (args[0] !== "list" && args[0] !== "ls") return undefined;
  // The defaults main.ts declares for list.
  const options: DirectListOptions = { format: "table", color: true, selector: [] };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--json") options.json = true;
    else if (arg === "--debug") options.debug = true;
    else if (arg === "--no-color") options.color = false;
    else if (arg === "-w" || arg === "--watch") options.watch = true;
    else {
      const value = args[i + 1];
      // A value that looks like a flag is commander's to judge.
      if (value === undefined || value.startsWith("-")) return undefined;
      if (arg === "-l" || arg === "--selector") options.selector.push(value);
      else if (Object.hasOwn(VALUE_OPTIONS, arg)) {
        options[VALUE_OPTIONS[arg as keyof typeof VALUE_OPTIONS]] = value;
      } else return undefined;
      i += 1;
    }
  }
  return options;
}
