/**
 * The fenced code blocks of README.md and docs/*.md, so that tests can run what the
 * docs show. A block is identified by its file and its first line (not its line
 * number), so that editing the prose around it does not break the test that owns it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./sandbox.ts";

export interface DocBlock {
  /** Path relative to the repository root, e.g. `docs/cli.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string: `yaml`, `sh`, `console`, or "" for a plain block. */
  lang: string;
  body: string;
  /** `file:line`, for messages. */
  where: string;
}

export function docFiles(): string[] {
  const docs = readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(repoRoot, "docs", name));
  return [join(repoRoot, "README.md"), ...docs];
}

export function docBlocks(): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const path of docFiles()) {
    const file = relative(repoRoot, path);
    const lines = readFileSync(path, "utf8").split("\n");
    let open: { line: number; lang: string; body: string[] } | undefined;
    lines.forEach((text, index) => {
      const fence = /^```(\S*)\s*$/.exec(text);
      if (!fence) {
        open?.body.push(text);
        return;
      }
      if (open) {
        const body = open.body.join("\n");
        blocks.push({
          file,
          line: open.line,
          lang: open.lang,
          body,
          where: `${file}:${open.line}`,
        });
        open = undefined;
      } else {
        open = { line: index + 1, lang: fence[1] ?? "", body: [] };
      }
    });
    if (open) throw new Error(`${file}:${open.line}: unclosed code fence`);
  }
  return blocks;
}

/** The first non-empty line of a block: its identity for exemptions. */
export const firstLine = (block: DocBlock): string =>
  block.body.split("\n").find((line) => line.trim() !== "") ?? "";

/**
 * Every `fleet ...` invocation a block shows: shell lines (`$ ` prompts stripped),
 * comments dropped, and several commands on one synopsis line split apart
 * (`fleet stop NAME...     fleet start NAME...`).
 */
export function fleetCommandLines(block: DocBlock): string[] {
  const commands: string[] = [];
  for (const raw of block.body.split("\n")) {
    const line = raw.replace(/^\$ /, "").replace(/\s+#.*$/, "");
    // A synopsis wraps onto indented lines of further [options].
    if (/^\s{4,}\[/.test(line) && commands.length > 0) {
      commands.push(`${commands.pop() ?? ""} ${line.trim()}`);
      continue;
    }
    if (!/^(fleet|node bin\/fleet\.js) /.test(line.trim())) continue;
    for (const part of line.trim().split(/\s{3,}(?=fleet )/)) commands.push(part.trim());
  }
  return commands;
}

/** Subcommand path and long/short flags of one synopsis or command line. */
export function parseCommandLine(line: string): { command: string[]; flags: string[] } {
  const words = line
    .replace(/^node bin\/fleet\.js /, "fleet ")
    .split(/\s+/)
    .slice(1);
  const command: string[] = [];
  for (const word of words) {
    if (!/^[a-z][a-z|-]*$/.test(word)) break;
    command.push(word.split("|")[0] ?? word);
    // Subcommands nest one level at most (`host trust`, `messages prune`, `bus status`, `config set`);
    // after that come arguments.
    if (command.length === 2 || !["host", "messages", "bus", "config"].includes(command[0] ?? ""))
      break;
  }
  const flags = new Set<string>();
  // Everything after `--` belongs to the agent's own CLI.
  const ours = line.split(/\s--(?:\s|$)/)[0] ?? line;
  for (const match of ours.matchAll(/(?:^|[\s[(|])(--?[a-zA-Z][a-zA-Z-]*)/g)) {
    if (match[1]) flags.add(match[1]);
  }
  return { command, flags: [...flags] };
}

/** `fleet ...` commands quoted inline in the prose (outside fenced blocks). */
export function inlineFleetCommands(): { where: string; line: string }[] {
  const found: { where: string; line: string }[] = [];
  for (const path of docFiles()) {
    const file = relative(repoRoot, path);
    let fenced = false;
    readFileSync(path, "utf8")
      .split("\n")
      .forEach((text, index) => {
        if (/^```/.test(text)) fenced = !fenced;
        if (fenced) return;
        for (const match of text.matchAll(/`(fleet [^`]+)`/g)) {
          found.push({ where: `${file}:${index + 1}`, line: match[1] ?? "" });
        }
      });
  }
  return found;
}
