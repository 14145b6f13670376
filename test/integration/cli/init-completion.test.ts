import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);

describe("fleet init", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("init");
  });
  after(() => sb.cleanup());

  test("writes a fleet.yaml that validates and applies", async () => {
    const init = await sb.fleet(["init", "--name", "starter"]);
    assert.equal(init.code, 0, init.stderr);
    assert.equal((await sb.fleet(["validate"])).code, 0);
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    const list = JSON.parse((await sb.fleet(["list", "--json"])).stdout) as {
      agents: { fleet: string; state: string }[];
    };
    assert.ok(list.agents.length > 0);
    assert.ok(list.agents.every((a) => a.fleet === "starter" && a.state === "RUNNING"));
  });

  test("refuses to overwrite an existing fleet.yaml without --force", async () => {
    await writeFile(join(sb.dir, "fleet.yaml"), "# mine\n");
    const init = await sb.fleet(["init"]);
    assert.equal(init.code, 1);
    assert.match(init.stderr, /already exists/);
    assert.match(init.stderr, /--force/);
  });
});

describe("fleet completion", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("completion");
    const created = await sb.fleet([
      "create",
      "completable",
      "--command",
      "sleep 600",
      "--no-connect",
    ]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => sb.cleanup());

  const complete = async (script: string, line: string[]): Promise<string[]> => {
    const words = line.map((w) => `'${w}'`).join(" ");
    const { stdout } = await execFileAsync(
      "bash",
      [
        "-c",
        `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _fleet; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env: sb.env },
    );
    return stdout.split("\n").filter(Boolean);
  };

  test("bash completes commands, flags and agent names", async () => {
    const script = (await sb.fleet(["completion", "bash"])).stdout;
    assert.deepEqual(await complete(script, ["fleet", "con"]), ["connect"]);
    assert.deepEqual(await complete(script, ["fleet", "connect", "comp"]), ["completable"]);
    assert.ok(
      (await complete(script, ["fleet", "plan", "--deta"])).includes("--detailed-exitcode"),
    );
  });

  test("zsh script parses", async () => {
    const script = (await sb.fleet(["completion", "zsh"])).stdout;
    assert.match(script, /#compdef fleet/);
    const which = await execFileAsync("sh", ["-c", "command -v zsh || true"]);
    if (which.stdout.trim() !== "") await execFileAsync("zsh", ["-n", "-c", script]);
  });

  test("an unknown shell is a usage error", async () => {
    const result = await sb.fleet(["completion", "fish"]);
    assert.equal(result.code, 2);
  });
});
