/**
 * Global flags (`--json`, `--format F`, `--no-color`, `--debug`) may come before
 * the command name, as in kubectl and gh: `fleet --json ls`. Commander reads
 * them as options of each command, so they are moved to just after the command
 * path before parsing. Anything else before the command is left for commander
 * to judge.
 */
const BOOLEAN_FLAGS = new Set(["--json", "--no-color", "--debug"]);
const VALUE_FLAGS = new Set(["--format"]);

/** Returns args (without node and the script) with leading global flags moved after the command. */
export function moveGlobalFlags(args: readonly string[], groups: ReadonlySet<string>): string[] {
  const flags: string[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i] ?? "";
    if (BOOLEAN_FLAGS.has(arg) || [...VALUE_FLAGS].some((f) => arg.startsWith(`${f}=`))) {
      flags.push(arg);
      i += 1;
    } else if (VALUE_FLAGS.has(arg) && i + 1 < args.length) {
      flags.push(arg, args[i + 1] ?? "");
      i += 2;
    } else break;
  }
  if (flags.length === 0) return [...args];
  const rest = args.slice(i);
  const command = rest[0];
  if (command === undefined || command.startsWith("-")) return [...args];
  // `host trust` and the like: the flags belong to the subcommand.
  const pathLength =
    groups.has(command) && rest[1] !== undefined && !rest[1].startsWith("-") ? 2 : 1;
  return [...rest.slice(0, pathLength), ...flags, ...rest.slice(pathLength)];
}
