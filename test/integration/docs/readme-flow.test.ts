/**
 * The README's first steps, run as a newcomer would: the demo applies the example
 * fleet, then each line of the "Then try" block runs and does what it says. The
 * outputs the docs show on the way (list JSON, an agent's dir, a logs line) are
 * compared with what fleet really prints.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { docBlocks, firstLine, type DocBlock } from "../../helpers/doc-blocks.ts";
import { makeSandbox, repoRoot, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { blockKind } from "./doc-kinds.ts";

let sandbox: Sandbox;
before(async () => {
  sandbox = await makeSandbox("readme");
});
after(async () => {
  await sandbox.fleet(["destroy", "-f", "stacks/local/fleet.yaml", "-y"], { cwd: repoRoot });
  await sandbox.cleanup();
});

const readmeBlock = (pattern: RegExp): DocBlock => {
  const block = docBlocks().find(
    (b) => b.file === "README.md" && blockKind(b) === "readme-run" && pattern.test(firstLine(b)),
  );
  assert.ok(block, `README.md has a block starting ${String(pattern)}`);
  return block;
};

/** A README line as the sandbox's `fleet` (the alias the README sets up). */
function fleetArgs(line: string): string[] {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
  assert.equal(words[0], "fleet", `not a fleet command: ${line}`);
  return words.slice(1);
}

const run = (command: string, args: string[]) =>
  new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: sandbox.env, stdio: "pipe" });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end();
  });

describe("the README's first command and what follows", () => {
  it("the first block is the demo and the test suite", () => {
    const lines = readmeBlock(/^npm install/)
      .body.split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter(Boolean);
    assert.deepEqual(lines, ["npm install && npm run demo", "npm test"]);
  });

  it("npm run demo applies the example fleet and lists its agents", async () => {
    // The build is the suite's own (scripts/test-all.sh built it): rebuilding here would
    // rewrite dist/ under the other tests' feet.
    const result = await run("bash", ["scripts/demo.sh", "--no-build"]);
    assert.equal(result.code, 0, result.output);
    for (const agent of ["echo-bot", "ticker", "status-board"])
      assert.match(result.output, new RegExp(`${agent}\\s.*RUNNING`), result.output);
  });

  it("every line of the 'Then try' block does what the README says", async () => {
    const lines = readmeBlock(/^alias fleet/)
      .body.split("\n")
      .filter((line) => line.startsWith("fleet "));
    assert.ok(lines.length >= 5, `expected the README's try-block commands, found ${lines.length}`);
    const seen: string[] = [];
    for (const line of lines) {
      const args = fleetArgs(line.replace(/\s+#.*$/, ""));
      // connect attaches a terminal: test/integration/cli/agent-commands.test.ts drives it
      // through a pty; here it only has to refuse cleanly without one.
      const result = await sandbox.fleet(args, { cwd: repoRoot });
      seen.push(args[0] ?? "");
      if (args[0] === "connect") {
        assert.notEqual(result.code, 0);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        continue;
      }
      assert.equal(result.code, 0, `${line}\n${result.stdout}${result.stderr}`);
      if (args[0] === "message") assert.match(result.stdout + result.stderr, /[Ss]ent/);
      if (args[0] === "transcript") {
        const heard = await waitFor(async () => {
          const again = await sandbox.fleet(args, { cwd: repoRoot });
          return /echo-bot heard: hello there/.test(again.stdout) && again.stdout;
        });
        assert.ok(heard);
      }
      if (args[0] === "plan") assert.match(result.stdout, /No changes\./);
      if (args[0] === "destroy") {
        const list = await sandbox.fleet(["list", "--format", "json"]);
        const agents = (JSON.parse(list.stdout) as { agents: unknown[] }).agents;
        assert.deepEqual(agents, [], "destroy left agents behind");
      }
    }
    assert.deepEqual(seen, ["message", "transcript", "connect", "plan", "destroy"]);
  });
});

describe("outputs the docs show, against the real ones", () => {
  before(async () => {
    const result = await run("bash", ["scripts/demo.sh", "--no-build"]);
    assert.equal(result.code, 0, result.output);
  });

  it("docs/cli.md's list JSON has the keys fleet list --format json prints", async () => {
    const block = docBlocks().find(
      (b) => b.file === "docs/cli.md" && blockKind(b) === "json-shape",
    );
    assert.ok(block, "docs/cli.md shows list JSON");
    const shown = JSON.parse(block.body) as { agents: Record<string, unknown>[] };
    const result = await sandbox.fleet(["list", "--format", "json"]);
    assert.equal(result.code, 0, result.stderr);
    const real = JSON.parse(result.stdout) as Record<string, unknown> & {
      agents: Record<string, unknown>[];
    };
    assert.deepEqual(Object.keys(shown).sort(), Object.keys(real).sort());
    const agent = real.agents.find((a) => a.name === "echo-bot");
    assert.ok(agent, "echo-bot is listed");
    assert.deepEqual(Object.keys(shown.agents[0] ?? {}).sort(), Object.keys(agent).sort());
  });

  it("docs/agents.md's agent dir layout is what an agent with a service has", () => {
    const block = docBlocks().find((b) => b.file === "docs/agents.md" && blockKind(b) === "layout");
    assert.ok(block, "docs/agents.md shows the agent dir");
    const names = block.body
      .split("\n")
      .slice(1)
      .flatMap((line) => (line.match(/^\s{2}(\S.*?)(?:\s{2,}|$)/)?.[1] ?? "").split(/\s+/))
      .filter(Boolean);
    assert.ok(names.length >= 6, `expected the layout to name files, found ${names.join(" ")}`);
    const dir = join(sandbox.home, "agents", "status-board");
    const missing = names
      .map((name) => name.replace("<name>", "heartbeat").replace(/\/$/, ""))
      .filter((name) => !existsSync(join(dir, name)));
    assert.deepEqual(missing, [], `${block.where}: paths the agent dir lacks`);
  });

  it("docs/idle.md's events line has the columns fleet logs prints", async () => {
    const block = docBlocks().find((b) => blockKind(b) === "log-line");
    assert.ok(block, "docs/idle.md shows an events line");
    const shownLine = firstLine(block);
    const stop = await sandbox.fleet(["stop", "ticker"]);
    assert.equal(stop.code, 0, stop.stderr);
    const logs = await sandbox.fleet(["logs", "ticker"]);
    assert.equal(logs.code, 0, logs.stderr);
    const realLine = logs.stdout.split("\n").find((line) => /\dZ {2}stopped /.test(line));
    assert.ok(realLine, `no stopped line in:\n${logs.stdout}`);
    const columns = (line: string) => [line.indexOf("stopped"), line.indexOf("reason=")];
    assert.deepEqual(columns(realLine), columns(shownLine), `${realLine}\nvs\n${shownLine}`);
    assert.match(realLine, /reason=stopped by user \(fleet stop\)/, "the reason idle.md quotes");
  });
});
