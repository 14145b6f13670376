import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import type { ConfigProblem } from "../../../src/core/config/problems.ts";
import { fixtures, problemsOf, rejection, tempDir } from "./helpers.ts";

const errors = join(fixtures, "errors");

async function problems(name: string): Promise<ConfigProblem[]> {
  return problemsOf(await rejection(() => loadFleetFile(join(errors, name))));
}

/** The one problem a fixture has, as `LINE:COL PATH: MESSAGE`. */
async function onlyProblem(name: string): Promise<string> {
  const found = await problems(name);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [problem] = found;
  assert.equal(problem?.file, join(errors, name));
  return `${problem?.line}:${problem?.column} ${problem?.path}: ${problem?.message}`;
}

describe("fleet file errors name the line, column, path and a suggestion", () => {
  test("unknown host, with the near-miss", async () => {
    assert.equal(
      await onlyProblem("unknown-host.yaml"),
      '8:11 agents.docs.host: unknown host "sandbx" — did you mean "sandbox"?',
    );
  });

  test("unknown template, with the near-miss", async () => {
    assert.equal(
      await onlyProblem("unknown-template.yaml"),
      '6:20 agents.api.template: unknown template "backnd" — did you mean "backend"?',
    );
  });

  test("unknown agent type, with the near-miss", async () => {
    assert.equal(
      await onlyProblem("unknown-agent-type.yaml"),
      '5:12 agents.reviewer.agent: unknown agent type "claud" — did you mean "claude"?',
    );
  });

  test("malformed YAML", async (t) => {
    // Inline rather than a fixture: prettier cannot format a file that does not parse.
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.yaml",
      'version: 1\nname: errors\nagents:\n  docs: { command: "make docs"\n  other: { command: x }\n',
    );
    const problems = problemsOf(await rejection(() => loadFleetFile(file)));
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column, p.path]),
      [[file, 5, 3, ""]],
    );
    assert.match(problems[0]?.message ?? "", /^Flow map .* must .* end with a \}$/);
  });

  test("a wrong type says what was expected and what was found", async () => {
    assert.deepEqual(
      (await problems("wrong-type.yaml")).map(
        (p) => `${p.line}:${p.column} ${p.path}: ${p.message}`,
      ),
      [
        "6:18 agents.docs.idleTimeout: expected a duration such as 30s, 15m, 2h, or a number of seconds, got true",
        '7:11 agents.docs.args: expected a list, got "--verbose"',
      ],
    );
  });

  test("a duplicate key points at the second one and says where the first is", async () => {
    assert.equal(
      await onlyProblem("duplicate-key.yaml"),
      '6:3 agents.docs: duplicate agent name "docs" (first defined at line 4)',
    );
  });

  test("an unknown key points at the key, with the near-miss", async () => {
    assert.equal(
      await onlyProblem("unknown-key.yaml"),
      '5:5 agents.docs.comand: unknown key "comand" — did you mean "command"?',
    );
  });

  test("a fixed port used twice on one host, one of them from a template", async () => {
    assert.equal(
      await onlyProblem("port-clash.yaml"),
      '13:57 agents.worker.services[1].port: port 5432 on host "local" is already used by agent "api" service "postgres"',
    );
  });

  test("a cycle in template inheritance", async () => {
    assert.equal(
      await onlyProblem("extends-cycle.yaml"),
      "4:17 templates.a.extends: template cycle: a → b → c → a",
    );
  });
});

describe("the CONFIG_INVALID error", () => {
  test("lists every problem, one per line, as FILE:LINE:COL: PATH: MESSAGE, in file order", async () => {
    const error = await rejection(() => loadFleetFile(join(errors, "many.yaml")));
    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.fault, "user");
    assert.equal(error.exitCode, 1);
    const lines = error.message.split("\n");
    const expected = [
      ':4:20: hosts.box.provider: unknown provider "locl" — did you mean "local"?',
      ':6:35: agents.docs.command: command is only for agent type "command"; "claude" runs its own CLI (pass args instead)',
      ':6:52: agents.docs.host: unknown host "boxx" — did you mean "box"?',
      ':7:3: agents.bare: agent type "command" needs command: the shell command line to run',
    ];
    assert.equal(lines.length, expected.length, error.message);
    lines.forEach((line, index) => {
      assert.ok(
        line.startsWith(join("test", "fixtures", "config", "errors", "many.yaml")) ||
          line.startsWith(join(errors, "many.yaml")),
        line,
      );
      assert.ok(
        line.endsWith(expected[index] ?? ""),
        `${line}\n  should end with ${expected[index]}`,
      );
    });
  });

  test("carries the problems as data", async () => {
    const error = await rejection(() => loadFleetFile(join(errors, "unknown-host.yaml")));
    assert.deepEqual(error.details, {
      problems: [
        {
          file: join(errors, "unknown-host.yaml"),
          line: 8,
          column: 11,
          path: "agents.docs.host",
          message: 'unknown host "sandbx" — did you mean "sandbox"?',
        },
      ],
    });
  });

  test("for a TypeScript file, names the file and path without a line", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.ts",
      'export default { version: 1, name: "ts", agents: { docs: { command: "x", hosts: "a" } } };\n',
    );
    const error = await rejection(() => loadFleetFile(file));
    assert.deepEqual(problemsOf(error), [
      {
        file,
        line: null,
        column: null,
        path: "agents.docs.hosts",
        message: 'unknown key "hosts" — did you mean "host"?',
      },
    ]);
    assert.ok(
      error.message.endsWith(
        'fleet.ts: agents.docs.hosts: unknown key "hosts" — did you mean "host"?',
      ),
    );
  });

  test("a TypeScript file that throws is reported with its error", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write("fleet.ts", 'throw new Error("boom");\nexport default {};\n');
    const [problem] = problemsOf(await rejection(() => loadFleetFile(file)));
    assert.equal(problem?.message, "cannot load: boom");
  });
});
