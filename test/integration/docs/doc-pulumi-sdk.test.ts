/**
 * docs/pulumi-sdk.md shows programs that work: each TypeScript block runs as a
 * Pulumi program under Pulumi's mocks and registers fleet resources, in a
 * project that installed this package (so `fleet/pulumi` is the built bundle,
 * through package.json "exports"), and type-checks against the package's
 * exported types. Its fleet file is the one the `declareFleet("fleet.yaml")`
 * block reads. Its Pulumi.yaml is the examples' own.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { docBlocks, type DocBlock } from "../../helpers/doc-blocks.ts";
import { makeSandbox, repoRoot, type Sandbox } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

const DOC = "docs/pulumi-sdk.md";
const blocksOf = (kind: string): DocBlock[] =>
  docBlocks().filter((b) => b.file === DOC && blockKind(b) === kind);

/** Runs one program under the mocks; prints what registered and what failed. */
const RUNNER = `import { pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";
const registered = [];
const failures = [];
process.on("unhandledRejection", (error) => failures.push(String(error)));
await pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push(args.type + " " + args.name);
      const docker = args.type === "docker:index/container:Container"
        ? { name: args.inputs.name ?? args.name, ports: [{ internal: 22, external: 32022, ip: "127.0.0.1" }] }
        : {};
      return { id: args.name + "-id", state: { ...args.inputs, ...docker } };
    },
    call: () => ({}),
  },
  "docs",
  "doc",
  false,
);
pulumi.runtime.setAllConfig({
  "docs:hostKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrhJL1DIcs+6zDYzQJLvUeb2cUKY1/DieMuLyY787YE",
});
try {
  await import(pathToFileURL(process.argv[2]).href);
  await pulumi.runtime.waitForRPCs();
} catch (error) {
  failures.push(String(error));
}
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(JSON.stringify({ registered, failures }));
process.exit(failures.length === 0 ? 0 : 1);
`;

let sandbox: Sandbox;
let project: string;
before(async () => {
  sandbox = await makeSandbox("doc-pulumi-sdk");
  project = join(sandbox.dir, "project");
  const modules = join(project, "node_modules");
  await mkdir(modules, { recursive: true });
  // As `npm install fleet @pulumi/pulumi` leaves a project.
  await symlink(repoRoot, join(modules, "fleet"));
  await symlink(join(repoRoot, "node_modules", "@pulumi"), join(modules, "@pulumi"));
  await symlink(join(repoRoot, "node_modules", "@types"), join(modules, "@types"));
  await writeFile(join(project, "package.json"), '{ "type": "module" }\n');
  await writeFile(join(project, "run-block.mjs"), RUNNER);
  const [fleetFile] = blocksOf("fleet-file");
  assert.ok(fleetFile, `${DOC} shows the fleet file its declareFleet example reads`);
  await writeFile(join(project, "fleet.yaml"), fleetFile.body);
  await writeFile(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2023",
        strict: true,
        noEmit: true,
        types: ["node"],
        skipLibCheck: true,
      },
      include: ["block-*.ts"],
    }),
  );
});
after(() => sandbox.cleanup());

function runBlock(file: string): {
  code: number | null;
  registered: string[];
  failures: string[];
  output: string;
} {
  const result = spawnSync(process.execPath, [join(project, "run-block.mjs"), file], {
    cwd: project,
    env: sandbox.env,
    encoding: "utf8",
    timeout: 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  const last = result.stdout.trim().split("\n").pop() ?? "{}";
  let parsed: { registered?: string[]; failures?: string[] } = {};
  try {
    parsed = JSON.parse(last) as typeof parsed;
  } catch {
    // Reported through the exit code and the output below.
  }
  return {
    code: result.status,
    registered: parsed.registered ?? [],
    failures: parsed.failures ?? [],
    output,
  };
}

function typeCheck(): { code: number | null; output: string } {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", project], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe(`the programs in ${DOC}`, () => {
  test("each runs under Pulumi's mocks and declares fleet resources", async () => {
    const blocks = blocksOf("pulumi-program");
    assert.ok(blocks.length >= 4, `expected the SDK's examples, found ${blocks.length}`);
    for (const [index, block] of blocks.entries()) {
      const file = join(project, `block-${index}.ts`);
      await writeFile(file, block.body);
      const run = runBlock(file);
      assert.equal(run.code, 0, `${block.where}: the program failed:\n${run.output}`);
      assert.deepEqual(run.failures, [], block.where);
      assert.ok(
        run.registered.some((r) => r.startsWith("fleet:index:Agent ")),
        `${block.where}: no fleet agent was declared (${run.registered.join(", ")})`,
      );
    }
  });

  test("the declareFleet example declares the fleet file shown", async () => {
    const block = blocksOf("pulumi-program").find((b) =>
      b.body.includes('declareFleet("fleet.yaml")'),
    );
    assert.ok(block, `${DOC} declares a fleet file`);
    const file = join(project, "block-fleet-file.ts");
    await writeFile(file, block.body);
    const run = runBlock(file);
    assert.equal(run.code, 0, run.output);
    const fleetFile = parse(await readFile(join(project, "fleet.yaml"), "utf8")) as {
      agents: Record<string, unknown>;
    };
    for (const name of Object.keys(fleetFile.agents)) {
      assert.ok(run.registered.includes(`fleet:index:Agent ${name}`), `agent ${name}`);
    }
    assert.ok(run.registered.includes("fleet:index:NetworkPolicy sandbox"));
  });

  test("all type-check against the package's exported types", () => {
    const checked = typeCheck();
    assert.equal(checked.code, 0, checked.output);
  });

  test("a program with a mistake fails both checks, so the checks above can fail", async () => {
    const file = join(project, "block-broken.ts");
    await writeFile(
      file,
      'import * as fleet from "fleet/pulumi";\nnew fleet.Agent("x", { fleet: "docs", agnet: "claude" });\n',
    );
    try {
      const run = runBlock(file);
      assert.notEqual(run.code, 0, run.output);
      assert.match(run.failures.join("\n"), /agents\.x\.agnet: unknown key "agnet"/);
      const checked = typeCheck();
      assert.notEqual(checked.code, 0);
      assert.match(checked.output, /block-broken\.ts.*agnet/);
    } finally {
      await writeFile(file, "export {};\n");
    }
  });
});

describe(`the Pulumi.yaml in ${DOC}`, () => {
  test("is the examples' own, but for their names", async () => {
    const [block] = blocksOf("pulumi-project");
    assert.ok(block, `${DOC} shows a Pulumi.yaml`);
    const shown = parse(block.body) as Record<string, unknown>;
    for (const example of ["docker-host", "ssh-prepared"]) {
      const file = join(repoRoot, "examples", "pulumi", example, "Pulumi.yaml");
      const own = parse(await readFile(file, "utf8")) as Record<string, unknown>;
      for (const key of ["runtime", "main", "plugins"]) {
        assert.deepEqual(shown[key], own[key], `${example}: ${key}`);
      }
    }
  });
});
