/**
 * `fleet create NAME ...` with plain options, read here instead of by commander,
 * as direct-list.ts does for `fleet list`: building commander and every
 * command's definition cost a tenth of a create. Only the shapes below are read;
 * anything else (help, `--opt=value`, a value that looks like a flag, an unknown
 * flag, no name) returns undefined and goes to commander (src/cli/main.ts), which
 * gives the same options and arguments for these.
 */
import type { CreateOptions } from "./commands/create.ts";

export interface DirectCreate {
  name: string;
  args: string[];
  options: CreateOptions;
}

type ValueKey =
  | "format"
  | "agent"
  | "host"
  | "template"
  | "file"
  | "command"
  | "workdir"
  | "message"
  | "snapshot";

const VALUE_OPTIONS: Readonly<Record<string, ValueKey>> = {
  "--format": "format",
  "--agent": "agent",
  "--host": "host",
  "--template": "template",
  "-f": "file",
  "--file": "file",
  "--command": "command",
  "--workdir": "workdir",
  "--message": "message",
  "--snapshot": "snapshot",
};

/** Options that take one or more values: commander's `<value...>`. */
const LIST_OPTIONS: Readonly<Record<string, "env" | "secret">> = {
  "-e": "env",
  "--env": "env",
  "--secret": "secret",
};

const looksLikeFlag = (arg: string): boolean => arg.startsWith("-");

export function directCreate(args: readonly string[]): DirectCreate | undefined {
  if (args[0] !== "create") return undefined;
  // The defaults main.ts declares for create.
  const options: CreateOptions = { format: "text", color: true, connect: true };
  const operands: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!looksLikeFlag(arg)) operands.push(arg);
    else if (arg === "--json") options.json = true;
    else if (arg === "--debug") options.debug = true;
    else if (arg === "--no-color") options.color = false;
    else if (arg === "--no-connect") options.connect = false;
    else if (Object.hasOwn(VALUE_OPTIONS, arg)) {
      const value = args[i + 1];
      // A value that looks like a flag is commander's to judge.
      if (value === undefined || looksLikeFlag(value)) return undefined;
      options[VALUE_OPTIONS[arg] as ValueKey] = value;
      i += 1;
    } else if (Object.hasOwn(LIST_OPTIONS, arg)) {
      // As commander reads a variadic option: every value up to the next flag.
      const key = LIST_OPTIONS[arg] as "env" | "secret";
      const values: string[] = [];
      while (i + 1 < args.length && !looksLikeFlag(args[i + 1] ?? "-")) {
        values.push(args[i + 1] ?? "");
        i += 1;
      }
      if (values.length === 0) return undefined;
      options[key] = [...(options[key] ?? []), ...values];
    } else return undefined;
  }
  const [name, ...rest] = operands;
  if (name === undefined) return undefined;
  return { name, args: rest, options };
}
