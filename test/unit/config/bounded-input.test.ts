/**
 * Bounded input: a fleet.ts that never finishes, exits, rejects or prints; a
 * FLEET_PREFIX that could not name sessions; work dir sources that would hand
 * the host the machine or fleet's own dir; launches too big for a command line;
 * YAML alias bombs and bad merge keys. Each is a clear error naming the file.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { loadFleetFile } from "../../../src/core/config/load.ts";
import { importFleetModule } from "../../../src/core/config/ts-source.ts";
import { fleetEnv } from "../../../src/core/env.ts";
import { problemsOf, registerFakeProviders, rejection, tempDir, thrown } from "./helpers.ts";

registerFakeProviders();

const VALID_TS = `import { defineFleet } from "fleet";
export default defineFleet({ version: 1, name: "ts", agents: { a: { command: "true" } } });
`;

async function tsProblem(source: string, timeoutMs = 10_000): Promise<string> {
  const dir = tempDir();
  try {
    const file = dir.write("fleet.ts", source);
    const error = await rejection(() =>
      loadFleetFile(file, { HOME: "/home/tester", FLEET_TS_TIMEOUT_MS: String(timeoutMs) }),
    );
    assert.match(error.message, /fleet\.ts/, "the error names the file");
    const [problem] = problemsOf(error);
    assert.equal(problem?.file, file);
    return problem?.message ?? "";
  } finally {
    dir.remove();
  }
}

describe("loading fleet.ts is bounded", () => {
  test("a file that loops forever fails after the deadline, naming the file", async () => {
    const message = await tsProblem("for (;;) {}\nexport default {};\n", 500);
    assert.match(message, /did not finish loading within 0\.5 s/);
  });

  test("a file that waits forever fails the same way", async () => {
    const message = await tsProblem("await new Promise(() => setInterval(() => {}, 1000));\n", 500);
    assert.match(message, /did not finish loading/);
  });

  test("process.exit(0) in the file is an error, and fleet keeps running", async () => {
    const message = await tsProblem("process.exit(0);\nexport default {};\n");
    assert.match(message, /called process\.exit\(0\)/);
  });

  test("an unhandled rejection in the file is an error naming it", async () => {
    const message = await tsProblem(
      `void Promise.reject(new Error("nobody caught me"));\n${VALID_TS}`,
    );
    assert.match(message, /rejected and never handled: nobody caught me/);
  });

  test("the file's console output goes to the output stream, not stdout", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write("fleet.ts", `console.log("hello from fleet.ts");\n${VALID_TS}`);
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const value = (await importFleetModule(file, { output })) as { name: string };
    assert.equal(value.name, "ts");
    // The worker's stream may deliver after its result: wait for the line itself.
    while (!text.includes("hello")) await new Promise((resolve) => setImmediate(resolve));
    assert.match(text, /hello from fleet\.ts/);
  });

  test("a valid fleet.ts still loads", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const desired = await loadFleetFile(dir.write("fleet.ts", VALID_TS), { HOME: "/h" });
    assert.deepEqual(
      desired.agents.map((agent) => agent.name),
      ["a"],
    );
  });
});

describe("FLEET_PREFIX", () => {
  test("the default and ordinary prefixes are accepted", () => {
    assert.equal(fleetEnv({}).prefix, "fleet-");
    assert.equal(fleetEnv({ FLEET_PREFIX: "team_a-" }).prefix, "team_a-");
  });

  for (const bad of ["", "a:b", "a.b", "-lead", "has space", "x".repeat(33), "\u001b[31m"]) {
    test(`${JSON.stringify(bad)} is refused naming the variable and the rule`, () => {
      const error = thrown(() => fleetEnv({ FLEET_PREFIX: bad }));
      assert.equal(error.code, "INVALID_PREFIX");
      assert.match(error.message, /FLEET_PREFIX/);
      assert.match(error.message, /1 to 32 letters, digits, - or _/);
      assert.ok(!error.message.includes("\u001b"), "no raw escape in the message");
    });
  }
});

describe("workdir.from", () => {
  async function workdirProblem(
    from: string,
    fleetHome: string,
  ): Promise<{ message: string; line: number | null } | undefined> {
    const dir = tempDir();
    try {
      const file = dir.write(
        "fleet.yaml",
        `version: 1\nname: w\nagents:\n  a:\n    command: "true"\n    workdir: ${JSON.stringify(from)}\n`,
      );
      try {
        await loadFleetFile(file, { HOME: "/home/tester", FLEET_HOME: fleetHome });
        return undefined;
      } catch (error) {
        const [problem] = problemsOf(error as never);
        return problem && { message: problem.message, line: problem.line };
      }
    } finally {
      dir.remove();
    }
  }

  test("may not be /", async () => {
    const problem = await workdirProblem("/", "/nonexistent-fleet-home");
    assert.match(problem?.message ?? "", /may not be \//);
    assert.equal(problem?.line, 6);
  });

  test("may not be FLEET_HOME, inside it, or a dir holding it, even through a symlink", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const home = join(dir.dir, "user", ".fleet");
    mkdirSync(join(home, "agents", "other"), { recursive: true });
    symlinkSync(home, join(dir.dir, "link-to-home"));
    assert.match((await workdirProblem(home, home))?.message ?? "", /inside FLEET_HOME/);
    assert.match(
      (await workdirProblem(join(home, "agents", "other"), home))?.message ?? "",
      /inside FLEET_HOME/,
    );
    assert.match(
      (await workdirProblem(join(dir.dir, "link-to-home"), home))?.message ?? "",
      /inside FLEET_HOME/,
    );
    assert.match(
      (await workdirProblem(join(dir.dir, "user"), home))?.message ?? "",
      /contains FLEET_HOME/,
    );
  });

  test("may not contain control characters", async () => {
    const problem = await workdirProblem("/tmp/a\u001b[2Jb", "/nonexistent-fleet-home");
    assert.match(problem?.message ?? "", /control characters/);
    assert.equal(problem?.line, 6);
  });

  test("an ordinary directory beside FLEET_HOME is fine", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    mkdirSync(join(dir.dir, "repo"));
    mkdirSync(join(dir.dir, ".fleet"));
    assert.equal(await workdirProblem(join(dir.dir, "repo"), join(dir.dir, ".fleet")), undefined);
  });
});

describe("sizes that would fail at launch", () => {
  async function sizeProblems(agentYaml: string, host = "local"): Promise<string[]> {
    const dir = tempDir();
    const hosts =
      host === "local" ? "" : `hosts:\n  box:\n    provider: ssh\n    address: 127.0.0.1\n`;
    try {
      const file = dir.write(
        "fleet.yaml",
        `version: 1\nname: s\n${hosts}agents:\n  a:\n${host === "local" ? "" : "    host: box\n"}${agentYaml}`,
      );
      try {
        await loadFleetFile(file, { HOME: "/home/tester" });
        return [];
      } catch (error) {
        return problemsOf(error as never).map(
          (problem) => `${problem.line}: ${problem.path}: ${problem.message}`,
        );
      }
    } finally {
      dir.remove();
    }
  }

  test("an env value too big for one command line names the env field", async () => {
    const problems = await sizeProblems(
      `    command: "true"\n    env:\n      BIG: ${"x".repeat(100 * 1024)}\n`,
    );
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0] ?? "", /^7: agents\.a\.env: .*over Linux's 128 KiB limit.*env\.BIG/);
  });

  test("a command too big names the command", async () => {
    const problems = await sizeProblems(`    command: "echo ${"y".repeat(140 * 1024)}"\n`);
    assert.match(problems[0] ?? "", /agents\.a\.command: .*command and args alone adds/);
  });

  test("many services that together are too big are refused", async () => {
    const services = Array.from(
      { length: 8 },
      (_, i) => `      - name: s${i}\n        command: "echo ${"z".repeat(10 * 1024)}"\n`,
    ).join("");
    const problems = await sizeProblems(`    command: "true"\n    services:\n${services}`);
    assert.match(problems[0] ?? "", /agents\.a\.services: .*128 KiB/);
  });

  test("quoting for SSH counts: quotes that fit locally can be too many over SSH", async () => {
    const value = "'".repeat(2560);
    const agent = `    command: "true"\n    env:\n      Q: "${value}"\n`;
    assert.deepEqual(await sizeProblems(agent), []);
    assert.match((await sizeProblems(agent, "ssh"))[0] ?? "", /agents\.a\.env: /);
  });

  test("ordinary sizes pass", async () => {
    assert.deepEqual(
      await sizeProblems(`    command: "true"\n    env:\n      OK: ${"x".repeat(8 * 1024)}\n`),
      [],
    );
  });
});

describe("YAML that would exhaust memory or cannot merge", () => {
  async function yamlProblem(text: string): Promise<string> {
    const dir = tempDir();
    try {
      const file = dir.write("fleet.yaml", text);
      const error = await rejection(() => loadFleetFile(file, { HOME: "/h" }));
      assert.ok(error.message.includes(file), "the error names the file");
      return problemsOf(error)[0]?.message ?? "";
    } finally {
      dir.remove();
    }
  }

  test("a billion-laughs document is refused", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (const [index, to] of names.slice(1).entries()) {
      const from = names[index] ?? "a";
      levels.push(`${to}: &${to} [${Array(9).fill(`*${from}`).join(", ")}]`);
    }
    assert.match(await yamlProblem(`${levels.join("\n")}\n`), /alias bomb/);
  });

  test("a merge key that is not a map is an error naming the file", async () => {
    assert.match(
      await yamlProblem("x-base: &base 3\nversion: 1\nname: m\nagents:\n  a:\n    <<: *base\n"),
      /invalid merge key/,
    );
  });
});
