/**
 * Every fleet file the docs show is a fleet file fleet accepts: whole files as they
 * are, fragments inside the README's example (with the named hosts the design shows),
 * fleet.ts examples through the TypeScript loader. The validation errors the docs
 * print are reproduced exactly, from fixtures in test/fixtures/docs/.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { docBlocks, type DocBlock } from "../../helpers/doc-blocks.ts";
import { makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

let sandbox: Sandbox;
let project: string;
before(async () => {
  sandbox = await makeSandbox("doc-files");
  // Fleet files name `from: .`: run them from a git checkout, as a user would.
  project = await sandbox.gitRepo("project", { "README.md": "# project\n", "app.log": "" });
});
after(async () => {
  await sandbox.cleanup();
});

const blocksOf = (kind: string): DocBlock[] => docBlocks().filter((b) => blockKind(b) === kind);

type Doc = Record<string, unknown>;
const asMap = (value: unknown): Doc =>
  typeof value === "object" && value !== null ? (value as Doc) : {};

/** The README's example, with the hosts the design's example names. */
function context(): Doc {
  const readme = blocksOf("fleet-file").find((b) => b.file === "README.md");
  assert.ok(readme, "README.md shows a whole fleet file");
  const base = asMap(parse(readme.body));
  return {
    ...base,
    hosts: {
      laptop: { provider: "local" },
      sandbox: { provider: "docker", image: "fleet/base:bookworm" },
      box: { provider: "ssh", address: "dev@build-1", port: 22 },
      ...asMap(base.hosts),
    },
  };
}

/** A fragment placed in the context: its agents replace the example's, the rest merges. */
function withFragment(fragment: Doc): Doc {
  const base = context();
  return {
    ...base,
    templates: { ...asMap(base.templates), ...asMap(fragment.templates) },
    hosts: { ...asMap(base.hosts), ...asMap(fragment.hosts) },
    agents: fragment.agents === undefined ? base.agents : fragment.agents,
  };
}

async function validate(file: string, text: string, where: string): Promise<void> {
  const path = join(project, file);
  writeFileSync(path, text);
  const result = await sandbox.fleet(["validate", "-f", path], { cwd: project });
  assert.equal(
    result.code,
    0,
    `${where}: fleet validate failed:\n${result.stderr}\n--- file:\n${text}`,
  );
}

describe("fleet files in the docs", () => {
  it("every whole fleet file shown validates as it is", async () => {
    const blocks = blocksOf("fleet-file");
    assert.ok(
      blocks.length >= 2,
      `expected whole fleet files in README and docs, found ${blocks.length}`,
    );
    for (const block of blocks) await validate("fleet.yaml", block.body, block.where);
  });

  it("every fragment validates inside the README's example with the design's named hosts", async () => {
    const blocks = blocksOf("fleet-fragment");
    assert.ok(blocks.length >= 5, `expected fragments in the docs, found ${blocks.length}`);
    for (const block of blocks) {
      const merged = withFragment(asMap(parse(block.body)));
      await validate("fleet.yaml", stringify(merged), block.where);
    }
  });

  it("the fleet.ts examples load and validate", async () => {
    const blocks = blocksOf("fleet-ts");
    assert.ok(blocks.length >= 1, "docs/fleet-file.md shows a fleet.ts");
    // `import "fleet"` must resolve as in a project that installed fleet.
    mkdirSync(join(project, "node_modules"), { recursive: true });
    execFileSync("ln", ["-sfn", repoRoot, join(project, "node_modules", "fleet")]);
    for (const block of blocks) await validate("fleet.ts", block.body, block.where);
  });

  it("a fragment that breaks the rules is refused, so the check above can fail", async () => {
    const merged = withFragment({ agents: { x: { template: "no-such-template" } } });
    const path = join(project, "broken.yaml");
    writeFileSync(path, stringify(merged));
    const result = await sandbox.fleet(["validate", "-f", path], { cwd: project });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /agents\.x\.template/);
  });
});

describe("validation errors in docs/fleet-file.md", () => {
  const fixtures = [
    "error-unknown-host.yaml",
    "error-port-clash.yaml",
    "error-template-cycle.yaml",
  ];

  it("each error line shown is what fleet prints for its fixture", async () => {
    const [block] = blocksOf("validation-errors");
    assert.ok(block, "docs/fleet-file.md shows validation errors");
    const shown = block.body.split("\n").filter((line) => line.trim() !== "");
    assert.equal(shown.length, fixtures.length, "one fixture per error line shown");
    const printed: string[] = [];
    for (const fixture of fixtures) {
      // The docs show the file as `fleet.yaml`, found in the current directory.
      const dir = join(sandbox.dir, fixture.replace(/\.yaml$/, ""));
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(repoRoot, "test", "fixtures", "docs", fixture), join(dir, "fleet.yaml"));
      const result = await sandbox.fleet(["validate"], { cwd: dir });
      assert.equal(result.code, 1, `${fixture}: validate should fail`);
      const line = /^error: (.*)$/m.exec(result.stderr)?.[1];
      printed.push(line ?? `(no error line in: ${result.stderr})`);
    }
    assert.deepEqual(printed, shown);
  });

  it("with --json the problems carry file, line, column, path and message", async () => {
    const dir = join(sandbox.dir, "error-template-cycle");
    const result = await sandbox.fleet(["validate", "--json"], { cwd: dir });
    assert.equal(result.code, 1);
    const body = JSON.parse(result.stdout) as {
      error: { code: string; details: { problems: Record<string, unknown>[] } };
    };
    assert.equal(body.error.code, "CONFIG_INVALID");
    const [problem] = body.error.details.problems;
    assert.deepEqual(Object.keys(problem ?? {}).sort(), [
      "column",
      "file",
      "line",
      "message",
      "path",
    ]);
    assert.equal(problem?.path, "templates.a.extends");
  });
});
