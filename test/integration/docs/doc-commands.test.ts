/**
 * The docs cannot drift from the CLI: every fenced block of README.md and docs/ is
 * owned by a check (here or in the other tests of this folder), and every `fleet`
 * command line a block shows names a command and flags the built CLI really has.
 */
import assert from "node:assert/strict";
import { existsSync, globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  docBlocks,
  firstLine,
  fleetCommandLines,
  inlineFleetCommands,
  parseCommandLine,
} from "../../helpers/doc-blocks.ts";
import type { DocBlock } from "../../helpers/doc-blocks.ts";
import { makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

let sandbox: Sandbox;
before(async () => {
  sandbox = await makeSandbox("doc-commands");
});
after(async () => {
  await sandbox.cleanup();
});

const helpCache = new Map<string, string>();
async function helpOf(command: string[]): Promise<string> {
  const key = command.join(" ");
  let text = helpCache.get(key);
  if (text === undefined) {
    const result = await sandbox.fleet([...command, "--help"]);
    assert.equal(result.code, 0, `fleet ${key} --help failed: ${result.stderr}`);
    text = result.stdout;
    helpCache.set(key, text);
  }
  return text;
}

describe("every block of the docs", () => {
  it("is owned by a check, or exempted with a reason", () => {
    const unowned = docBlocks()
      .filter((block) => blockKind(block) === undefined)
      .map((block) => `${block.where}: ${firstLine(block)}`);
    assert.deepEqual(
      unowned,
      [],
      "blocks no test checks: give each a kind in test/integration/docs/doc-kinds.ts",
    );
  });

  it("shows only fleet commands and flags that exist", async () => {
    const lines = [
      ...docBlocks().flatMap((block: DocBlock) =>
        fleetCommandLines(block).map((line) => ({ block: { where: block.where }, line })),
      ),
      ...inlineFleetCommands().map(({ where, line }) => ({ block: { where }, line })),
    ];
    assert.ok(lines.length > 80, `expected the docs to show many commands, found ${lines.length}`);
    const problems: string[] = [];
    const rootHelp = await helpOf([]);
    for (const { block, line } of lines) {
      const { command, flags } = parseCommandLine(line);
      const name = command[0];
      if (name === undefined) continue;
      // Aliases are listed after their command: "  list|ls [options]".
      if (!new RegExp(`^  (\\S+\\|)?${name}[ |]`, "m").test(rootHelp)) {
        problems.push(`${block.where}: \`${line}\`: no command "${name}"`);
        continue;
      }
      const help = await helpOf(command);
      for (const flag of flags) {
        const pattern = flag.startsWith("--")
          ? new RegExp(`(^|[\\s,])${flag}(\\s|,|$|=|\\[|<)`, "m")
          : new RegExp(`(^|\\s)${flag}(,|\\s)`, "m");
        if (!pattern.test(help)) problems.push(`${block.where}: \`${line}\`: no flag ${flag}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe("npm lines and layouts in the docs", () => {
  it("name npm scripts that package.json has, and test files that exist", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const builtIn = new Set(["install", "ci", "test", "link"]);
    const problems: string[] = [];
    const blocks = docBlocks().filter(
      (block) => blockKind(block) === "npm-scripts" || blockKind(block) === "readme-run",
    );
    for (const block of blocks) {
      for (const line of block.body.split("\n")) {
        for (const match of line.matchAll(/npm (?:run(?: --silent)? )?([a-z:-]+)/g)) {
          const script = match[1] ?? "";
          const viaRun = match[0].startsWith("npm run");
          if (viaRun ? !(script in pkg.scripts) : !builtIn.has(script) && !(script in pkg.scripts))
            problems.push(`${block.where}: npm ${viaRun ? "run " : ""}${script}: no such script`);
        }
        for (const match of line.matchAll(/'?(test\/[^\s']+\.test\.ts)'?/g)) {
          const pattern = match[1] ?? "";
          if (globSync(pattern, { cwd: repoRoot }).length === 0)
            problems.push(`${block.where}: ${pattern}: no such test file`);
        }
      }
    }
    assert.ok(blocks.length >= 4, `expected several npm blocks, found ${blocks.length}`);
    assert.deepEqual(problems, []);
  });

  it("the source layout in docs/architecture.md names folders that exist", () => {
    const block = docBlocks().find(
      (b) => b.file === "docs/architecture.md" && blockKind(b) === "layout",
    );
    assert.ok(block, "docs/architecture.md shows the source layout");
    const paths = [...block.body.matchAll(/^(\S+\/)/gm)].map((m) => m[1] ?? "");
    assert.ok(paths.length >= 8, `expected the layout to name folders, found ${paths.length}`);
    const missing = paths.filter((path) => !existsSync(join(repoRoot, path)));
    assert.deepEqual(missing, [], "folders the layout names but the repository lacks");
  });
});
