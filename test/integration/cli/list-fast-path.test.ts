/**
 * `fleet list` has a path of its own that skips commander (src/cli/direct-list.ts,
 * bundled apart: dist/bundle/list/). Whatever a user types, it must answer as
 * commander's path does: each shape below is run both ways (a global flag before
 * the command sends it through commander) and must print the same and exit the same.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const SHAPES: string[][] = [
  ["list"],
  ["ls"],
  ["list", "--format", "json"],
  ["list", "--json"],
  ["list", "--format", "jsonl", "--no-color"],
  ["list", "--state", "running"],
  ["list", "--state", "stopped"],
  ["list", "--state", "nope"],
  ["list", "--host", "local"],
  ["list", "--host", "nosuchhost"],
  ["list", "--fleet", "fast"],
  ["list", "--fleet", "-"],
  ["list", "-l", "role=review"],
  ["list", "--selector", "role!=review", "-l", "role"],
  ["list", "-l", "bad key=1"],
  ["list", "--format", "xml"],
  ["list", "--format=json"],
  ["list", "extra"],
  ["list", "--bogus"],
  ["list", "--host"],
  ["ls", "--help"],
];

describe("fleet list: its fast path answers as commander does", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("list-fast");
    await writeFile(
      join(sb.dir, "fleet.yaml"),
      [
        "version: 1",
        "name: fast",
        "agents:",
        '  one: { command: "sleep 3600", labels: { role: review } }',
        '  two: { command: "sleep 3600" }',
        "",
      ].join("\n"),
    );
    assert.equal((await sb.fleet(["apply", "-y"])).code, 0);
    assert.equal((await sb.fleet(["stop", "two"])).code, 0);
    assert.equal(
      (await sb.fleet(["create", "loose", "--command", "sleep 3600", "--no-connect"])).code,
      0,
    );
  });
  after(() => sb.cleanup());

  // Ages and idle times tick between the two runs; everything else must be equal.
  const steady = (text: string): string =>
    text
      .replace(/"(createdAt|activeAt|idleSeconds|ageSeconds)": ?[^,\n]+/g, '"$1": T')
      .replace(/\b\d+[smhd](\d+[smh])?\b/g, "T");

  for (const shape of SHAPES) {
    test(`fleet ${shape.join(" ")}`, async () => {
      // Output to a pipe has no colour either way: --no-color only moves the line to commander.
      const direct = await sb.fleet(shape);
      const viaCommander = await sb.fleet(["--no-color", ...shape]);
      assert.equal(direct.code, viaCommander.code, `${direct.stderr}\n---\n${viaCommander.stderr}`);
      assert.equal(steady(direct.stdout), steady(viaCommander.stdout));
      assert.equal(steady(direct.stderr), steady(viaCommander.stderr));
    });
  }

  test("the table shows the agents (the comparison above is not of two empty answers)", async () => {
    const listed = await sb.fleet(["list"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^one\s+local\s+RUNNING/m);
    assert.match(listed.stdout, /^two\s+local\s+STOPPED/m);
    assert.match(listed.stdout, /^loose\s+local\s+RUNNING/m);
  });
});

// The list bundle requires yaml and zod (dist/bundle/vendor/) only when a settings
// file is there to read: each shape of file must be read, checked and reported
// on that path as on commander's.
describe("fleet list: its fast path reads settings files as commander does", () => {
  let sb: Sandbox;
  let configFile: string;
  const withConfig = (): { env: NodeJS.ProcessEnv } => ({
    env: { XDG_CONFIG_HOME: join(sb.dir, "xdg") },
  });
  before(async () => {
    sb = await makeSandbox("list-settings");
    configFile = join(sb.dir, "xdg", "fleet", "config.yaml");
    await mkdir(join(sb.dir, "xdg", "fleet"), { recursive: true });
    const made = await sb.fleet(["create", "solo", "--command", "sleep 3600", "--no-connect"]);
    assert.equal(made.code, 0, made.stderr);
  });
  after(() => sb.cleanup());

  const cases: [string, string, RegExp][] = [
    ["a valid file", "parallelism: 3\n", /^solo\s+local\s+RUNNING/m],
    ["a value of the wrong type", "parallelism: many\n", /parallelism: .*expected number/],
    ["malformed YAML", "bogus: [\n", /line \d+, column \d+/],
  ];
  for (const [what, text, shows] of cases) {
    test(`a settings file with ${what}`, async () => {
      await writeFile(configFile, text);
      const direct = await sb.fleet(["list"], withConfig());
      const viaCommander = await sb.fleet(["--no-color", "list"], withConfig());
      assert.match(direct.stdout + direct.stderr, shows);
      assert.equal(direct.code, viaCommander.code, `${direct.stderr}\n---\n${viaCommander.stderr}`);
      assert.equal(direct.stderr, viaCommander.stderr);
      assert.equal(
        direct.stdout.replace(/\b\d+[smhd](\d+[smh])?\b/g, "T"),
        viaCommander.stdout.replace(/\b\d+[smhd](\d+[smh])?\b/g, "T"),
      );
    });
  }
});
