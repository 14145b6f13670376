/**
 * What plan and launch check before saying an agent is there: secrets it needs
 * are set (names only), its process survives its exit window; and following an
 * agent's events and output as they come.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

/** Waits until a condition on what was collected holds. */
const until = (condition: () => boolean): Promise<true> =>
  waitFor(() => Promise.resolve(condition() ? true : undefined));

async function sessions(sb: Sandbox): Promise<string[]> {
  const result = await sb.tmux(["list-sessions", "-F", "#{session_name}"]);
  return result.code === 0 ? result.stdout.trim().split("\n").filter(Boolean).sort() : [];
}

describe("plan checks the secrets it will need", () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await makeSandbox("plan-secrets");
    file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: sec
agents:
  api: { agent: command, command: "sleep 600", secrets: [FLEET_TEST_TOKEN, FLEET_TEST_KEY] }
  plain: { agent: command, command: "sleep 600" }
`,
    );
  });
  after(() => sb.cleanup());

  const env = { FLEET_TEST_TOKEN: "token-value-123" };

  test("plan names the missing secrets (never values) in text, markdown and JSON, and exits 1", async () => {
    const text = await sb.fleet(["plan", "-f", file], { env });
    assert.equal(text.code, 1, text.stdout + text.stderr);
    assert.match(text.stdout, /Error: secrets not set in the environment/);
    assert.match(text.stdout, /agents\.api needs \$FLEET_TEST_KEY$/m);
    assert.doesNotMatch(text.stdout, /token-value-123/);
    assert.doesNotMatch(text.stdout, /No changes/);

    const markdown = await sb.fleet(["plan", "-f", file, "--format", "markdown"], { env });
    assert.equal(markdown.code, 1);
    assert.match(
      markdown.stdout,
      /Secrets not set, apply will refuse: `agents\.api` needs `\$FLEET_TEST_KEY`/,
    );

    const json = await sb.fleet(["plan", "-f", file, "--format", "json"], { env });
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout) as { missingSecrets: unknown[] };
    assert.deepEqual(doc.missingSecrets, [
      { address: "agents.api", agent: "api", secrets: ["FLEET_TEST_KEY"] },
    ]);
    assert.doesNotMatch(json.stdout, /token-value-123/);
  });

  test("apply refuses before touching anything, naming what to export", async () => {
    const applied = await sb.fleet(["apply", "-f", file, "-y"], { env });
    assert.equal(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(applied.stderr, /missing secrets, nothing was changed/);
    assert.match(applied.stderr, /export FLEET_TEST_KEY/);
    assert.deepEqual(await sessions(sb), []);
  });

  test("with every secret set, plan is clean and apply proceeds", async () => {
    const all = { ...env, FLEET_TEST_KEY: "key-value-456" };
    const plan = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"], { env: all });
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.doesNotMatch(plan.stdout, /secrets not set/);
    const applied = await sb.fleet(["apply", "-f", file, "-y"], { env: all });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    // Running agents need no secrets to be left as they are.
    const again = await sb.fleet(["plan", "-f", file, "--detailed-exitcode"]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });
});

describe("an agent that exits within its exit window", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("early-exit");
  });
  after(() => sb.cleanup());

  test("makes create fail with the agent's last output", async () => {
    const created = await sb.fleet([
      "create",
      "ghost",
      "--command",
      "nosuchprogram",
      "--no-connect",
    ]);
    assert.equal(created.code, 1, created.stdout + created.stderr);
    assert.match(created.stderr, /agent ghost on host local exited with code 127 within 400 ms/);
    assert.match(created.stderr, /Its last output:\n.*nosuchprogram: not found/);
    assert.match(created.stderr, /hint: its command was not found/);
    assert.doesNotMatch(created.stdout, /Created agent/);
  });

  test("makes apply fail for that agent only, with its output", async () => {
    const file = join(sb.dir, "fleet.yaml");
    await writeFile(
      file,
      `version: 1
name: early
agents:
  broken: { agent: command, command: "echo starting up; echo config missing >&2; exit 4" }
  fine: { agent: command, command: "sleep 600" }
`,
    );
    const applied = await sb.fleet(["apply", "-f", file, "-y"]);
    assert.equal(applied.code, 1, applied.stdout + applied.stderr);
    assert.match(
      applied.stderr,
      /agents\.broken: create failed: agent broken on host local exited with code 4/,
    );
    assert.match(applied.stderr, /starting up\n\s+config missing/);
    assert.match(applied.stderr, /agents\.fine: created/);
    const listed = await sb.fleet(["list", "--format", "json"]);
    const states = Object.fromEntries(
      (JSON.parse(listed.stdout) as { agents: { name: string; state: string }[] }).agents.map(
        (a) => [a.name, a.state],
      ),
    );
    assert.equal(states.fine, "RUNNING");
    assert.equal(states.broken, "DONE");
  });

  test("a program still running after the window is created", async () => {
    const created = await sb.fleet(["create", "steady", "--command", "sleep 600", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout + created.stderr, /Created agent steady/);
  });
});

/** Runs a long-lived fleet command, collecting its stdout until it is stopped. */
function follow(
  sb: Sandbox,
  args: string[],
): { output: () => string; exitCode: () => number | null | undefined; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [fleetBin, ...args], { env: sb.env, stdio: "pipe" });
  let stdout = "";
  let code: number | null | undefined;
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const closed = new Promise<void>((resolve) =>
    child.on("close", (exit) => {
      code = exit;
      resolve();
    }),
  );
  return {
    output: () => stdout,
    exitCode: () => code,
    stop: async () => {
      if (code === undefined) child.kill("SIGINT");
      await closed;
    },
  };
}

describe("following an agent", () => {
  let sb: Sandbox;
  before(async () => {
    sb = await makeSandbox("follow");
    const created = await sb.fleet(["create", "echo", "--command", "cat", "--no-connect"]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => sb.cleanup());

  test("logs -f prints an event that happens after it started, as JSON lines with --format jsonl", async () => {
    const tail = follow(sb, ["logs", "echo", "-f", "--format", "jsonl"]);
    try {
      await until(() => tail.output().includes('"type":"created"'));
      assert.doesNotMatch(tail.output(), /"type":"message"/);
      const sent = await sb.fleet(["message", "echo", "hello from the test"]);
      assert.equal(sent.code, 0, sent.stderr);
      await until(() => tail.output().includes('"type":"message"'));
      const lines = tail
        .output()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { type: string; length?: number });
      assert.equal(lines.find((event) => event.type === "message")?.length, 19);
    } finally {
      await tail.stop();
    }
  });

  test("transcript --follow prints output written after it started, and stops when the agent is destroyed", async () => {
    const tail = follow(sb, ["transcript", "echo", "--follow"]);
    await until(() => tail.output().includes("hello from the test"));
    const sent = await sb.fleet(["message", "echo", "a later line"]);
    assert.equal(sent.code, 0, sent.stderr);
    await until(() => tail.output().includes("a later line"));
    const destroyed = await sb.fleet(["destroy", "echo", "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
    try {
      // It ends by itself, successfully: no signal needed.
      await until(() => tail.exitCode() !== undefined);
      assert.equal(tail.exitCode(), 0);
    } finally {
      await tail.stop();
    }
  });
});
