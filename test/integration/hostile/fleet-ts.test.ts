/**
 * A fleet.ts is code that runs on every plan: through the real CLI, what it
 * prints never reaches stdout (JSON stays parseable), and exiting, rejecting or
 * looping is an error that names the file while fleet itself carries on.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const FLEET = `import { defineFleet } from "fleet";
export default defineFleet({ version: 1, name: "ts-cli", agents: { a: { command: "sleep 60" } } });
`;

describe("fleet.ts through the CLI", () => {
  let sb: Sandbox;
  const file = (name: string): string => join(sb.dir, name, "fleet.ts");
  const write = async (name: string, text: string): Promise<string> => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(sb.dir, name), { recursive: true });
    await writeFile(file(name), text);
    return file(name);
  };

  before(async () => {
    sb = await makeSandbox("fleet-ts");
  });
  after(async () => {
    await sb.cleanup();
  });

  test("console output goes to stderr and plan --format json stays clean", async () => {
    const path = await write(
      "chatty",
      `console.log("log line"); console.info("info line"); process.stdout.write("raw write\\n");\n${FLEET}`,
    );
    const result = await sb.fleet(["plan", "-f", path, "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { format_version?: string };
    assert.ok(plan.format_version !== undefined, "stdout is the plan document alone");
    assert.match(result.stderr, /log line/);
    assert.match(result.stderr, /raw write/);
  });

  test("process.exit(0) is an error naming the file, not a silent success", async () => {
    const path = await write("exits", `process.exit(0);\n${FLEET}`);
    const result = await sb.fleet(["plan", "-f", path, "--format", "json"]);
    assert.notEqual(result.code, 0);
    const { error } = JSON.parse(result.stdout) as {
      error: { code: string; message: string; details: { problems: { file: string }[] } };
    };
    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /^exits\/fleet\.ts: called process\.exit\(0\)/);
    assert.equal(error.details.problems[0]?.file, path);
  });

  test("an unhandled rejection is an error naming the file", async () => {
    const path = await write("rejects", `void Promise.reject(new Error("late"));\n${FLEET}`);
    const result = await sb.fleet(["validate", "-f", path]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /rejects\/fleet\.ts: .*never handled: late/);
  });

  test("a file that loops forever fails at the deadline", async () => {
    const path = await write("loops", `while (true) {}\n${FLEET}`);
    const result = await sb.fleet(["validate", "-f", path], {
      env: { FLEET_TS_TIMEOUT_MS: "1000" },
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /loops\/fleet\.ts: did not finish loading within 1 s/);
  });
});
