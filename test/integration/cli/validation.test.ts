import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const cases: { name: string; yaml: string; expect: RegExp[] }[] = [
  {
    name: "unknown host with a near-miss suggestion",
    yaml: "version: 1\nname: v\nhosts:\n  sandbox: { provider: local }\nagents:\n  a: { agent: command, command: 'sleep 1', host: sandbx }\n",
    expect: [/fleet\.yaml:6:\d+/, /agents\.a\.host/, /did you mean "sandbox"/],
  },
  {
    name: "unknown template",
    yaml: "version: 1\nname: v\nagents:\n  a: { template: nope, command: 'sleep 1' }\n",
    expect: [/fleet\.yaml:4:\d+/, /agents\.a\.template/, /nope/],
  },
  {
    name: "unknown agent type",
    yaml: "version: 1\nname: v\nagents:\n  a: { agent: cluade }\n",
    expect: [/fleet\.yaml:4:\d+/, /agents\.a\.agent/, /did you mean "claude"/],
  },
  {
    name: "unknown provider",
    yaml: "version: 1\nname: v\nhosts:\n  h: { provider: dokcer }\nagents:\n  a: { agent: command, command: x, host: h }\n",
    expect: [/fleet\.yaml:4:\d+/, /hosts\.h\.provider/],
  },
  {
    name: "malformed YAML",
    yaml: "version: 1\nname: v\nagents:\n  a: { agent: command, command: 'x'\n  b: [\n",
    expect: [/fleet\.yaml:\d+:\d+/],
  },
  {
    name: "wrong type",
    yaml: "version: 1\nname: v\nagents:\n  a:\n    agent: command\n    command: x\n    args: 5\n",
    expect: [/fleet\.yaml:7:\d+/, /agents\.a\.args/],
  },
  {
    name: "duplicate agent names",
    yaml: "version: 1\nname: v\nagents:\n  a: { agent: command, command: x }\n  a: { agent: command, command: y }\n",
    expect: [/fleet\.yaml:5:\d+/, /[Dd]uplicate|unique/],
  },
];

describe("bad fleet files get a clear error and change nothing", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("validation");
  });
  after(() => sb.cleanup());

  for (const c of cases) {
    test(c.name, async () => {
      const file = join(sb.dir, "fleet.yaml");
      await writeFile(file, c.yaml);
      for (const command of [["validate"], ["plan"], ["apply", "-y"]]) {
        const result = await sb.fleet([...command, "-f", file]);
        assert.notEqual(result.code, 0, `${command.join(" ")} should fail`);
        for (const pattern of c.expect) assert.match(result.stderr, pattern);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace without --debug");
      }
      const sessions = await sb.tmux(["list-sessions"]);
      assert.notEqual(sessions.code, 0, "no tmux session may exist");
      assert.equal(existsSync(join(sb.home, "agents")), false, "no agent dir may exist");
    });
  }

  test("a valid file validates with exit 0", async () => {
    const file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      "version: 1\nname: v\nagents:\n  a: { agent: command, command: 'sleep 1' }\n",
    );
    const result = await sb.fleet(["validate", "-f", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid/);
  });

  test("a missing fleet file names what was looked for", async () => {
    const result = await sb.fleet(["plan"], { cwd: sb.home });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /fleet\.yaml/);
    assert.match(result.stderr, /fleet init|-f/);
  });
});
