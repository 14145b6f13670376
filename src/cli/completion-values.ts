/**
 * What shell completion offers for an option's value, declared beside the
 * option in main.ts so the completion script is generated from the same
 * definitions commander parses with, and cannot drift from them.
 */
import type { Option } from "commander";

/** Fixed words, or a kind completed at TAB time from fleet's caches and tmux. */
export type CompletionValues = readonly string[] | "agents" | "hosts" | "files";

const values = new WeakMap<Option, CompletionValues>();

export function completes<O extends Option>(option: O, offered: CompletionValues): O {
  values.set(option, offered);
  return option;
}

export function completionValues(option: Option): CompletionValues | undefined {
  return values.get(option) ?? option.argChoices;
}
