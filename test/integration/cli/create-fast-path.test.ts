/**
 * `fleet create` has a path of its own that skips commander (src/cli/direct-create.ts,
 * bundled apart: dist/bundle/create/). Whatever a user types, it must do what
 * commander's path does: each shape below is run both ways (a global flag before
 * the command sends it through commander), with its own agent name each way, and
 * must print the same, exit the same and make the same agent.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const N = "NAME";
const SHAPES: string[][] = [
  ["create", N, "--command", "sleep 3600", "--no-connect"],
  ["create", N, "--no-connect", "--command", "sleep 3600", "--json"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--format", "json"],
  ["create", N, "--command", "sleep 3600"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "-e", "A=1", "B=two words"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--env", "A=1", "--env", "C=3"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--secret", "FAST_PATH_SECRET"],
  ["create", N, "--agent", "command", "--host", "local", "--command", "sleep 3600", "--no-connect"],
  ["create", N, "--template", "shell", "--no-connect"],
  ["create", N, "extra", "--command", "sleep 3600", "--no-connect"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--", "--not-a-flag", "x"],
  ["create", N, "--message", "hello there", "--command", "cat", "--no-connect"],
  ["create", N, "--command", "exit 3", "--no-connect"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--no-color", "--debug"],
  ["create", N, "--command=sleep 3600", "--no-connect"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "-e", "BAD"],
  ["create", N, "--command", "sleep 3600", "--no-connect", "--env"],
  ["create", N, "--command", "--no-connect"],
  ["create", N, "--command"],
  ["create", N, "--bogus"],
  ["create", N, "--agent", "nosuchtype", "--no-connect"],
  ["create", N, "--host", "nosuchhost", "--command", "true", "--no-connect"],
  ["create", N, "--format", "xml", "--command", "true", "--no-connect"],
  ["create", N, "-f", "missing.yaml", "--template", "nosuch", "--no-connect"],
  ["create", "Bad Name!", "--command", "true", "--no-connect"],
  ["create", "--no-connect"],
  ["create"],
  ["create", "--help"],
];

describe("fleet create: its fast path does what commander's does", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("create-fast");
  });
  after(() => sb.cleanup());

  const env = { FAST_PATH_SECRET: "s3cr3t-value" };
  // What an agent was made with: its record, without what differs by name or time.
  const made = (name: string): string | undefined => {
    try {
      const text = readFileSync(join(sb.home, "agents", name, "agent.json"), "utf8");
      const record = JSON.parse(text.split("\n", 1)[0] ?? "") as Record<string, unknown>;
      // specHash covers the name too.
      const { mac: _m, specHash: _h, createdAt: _c, startedAt: _s, workdir, ...rest } = record;
      return JSON.stringify({ ...rest, workdir: String(workdir).split(name).join(N) }).replaceAll(
        `"${name}"`,
        `"${N}"`,
      );
    } catch {
      return undefined;
    }
  };
  const steady = (text: string, name: string): string =>
    text
      .split(name)
      .join(N)
      .replace(/\bin \d+\.\d+s\b/g, "in Ts")
      .replace(/"(createdAt|startedAt|seconds|elapsedMs)": ?[^,\n]+/g, '"$1": T');

  const codes = new Map<string, number>();
  SHAPES.forEach((shape, index) => {
    test(`fleet ${shape.join(" ")}`, async () => {
      const named = (name: string) => shape.map((arg) => (arg === N ? name : arg));
      const [directName, commanderName] = [`d${index}`, `c${index}`];
      const direct = await sb.fleet(named(directName), { env });
      const viaCommander = await sb.fleet(["--no-color", ...named(commanderName)], { env });
      codes.set(directName, direct.code);
      assert.equal(direct.code, viaCommander.code, `${direct.stderr}\n---\n${viaCommander.stderr}`);
      assert.equal(steady(direct.stdout, directName), steady(viaCommander.stdout, commanderName));
      assert.equal(steady(direct.stderr, directName), steady(viaCommander.stderr, commanderName));
      assert.equal(made(directName), made(commanderName));
      assert.ok(!(direct.stdout + direct.stderr).includes(env.FAST_PATH_SECRET));
    });
  });

  test("the shapes made agents and refused others (the comparison above is not of two failures)", async () => {
    const listed = await sb.fleet(["list", "--json"]);
    const names = (JSON.parse(listed.stdout) as { agents: { name: string }[] }).agents
      .map((agent) => agent.name)
      .sort();
    for (const made of ["d0", "c0", "d4", "c4", "d9", "c9", "d11", "c11"]) {
      assert.ok(names.includes(made), `${made} in ${names.join(" ")}`);
    }
    assert.deepEqual(
      ["d0", "d12", "d15", "d19", "d25"].map((name) => codes.get(name) === 0),
      [true, false, false, false, false],
      "created; exited at once; a bad --env; an unknown flag; no name",
    );
    const record = readFileSync(join(sb.home, "agents", "d4", "agent.json"), "utf8");
    assert.match(record, /"B":"two words"/);
    const args = readFileSync(join(sb.home, "agents", "d10", "agent.json"), "utf8");
    assert.match(args, /"args":\["--not-a-flag","x"\]/);
  });
});
