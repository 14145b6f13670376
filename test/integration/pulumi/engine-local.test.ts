/**
 * `fleet plan|apply|destroy --engine pulumi` for real: the pulumi CLI built from
 * Go modules, fleet's provider plugin, tmux and git, on this machine. Written
 * from docs/pulumi.md and the issue: what a user runs, and what they would see.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";
import { exportStack, fleetOffline, offlineArgv, pulumiSkip } from "./pulumi-env.ts";

const skip = pulumiSkip("pulumi engine (local)");
const SECRET = "pulumi-test-secret-value-81f3";

const fleetYaml = (args: string, extra = "") => `version: 1
name: pengine
agents:
  reader:
    agent: command
    command: 'while IFS= read -r line; do echo "reader heard: $line"; done'
    secrets: [PENGINE_TOKEN]
  sleeper:
    agent: command
    command: sleep
    args: ${args}
    workdir: { from: REPO }
${extra}`;

interface ListJson {
  agents: { name: string; state: string; fleet: string | null }[];
}
interface PlanJson {
  engine?: { name: string; stack: string };
  changes: { address: string; action: string; reasons: string[] }[];
  summary: Record<string, number>;
}

describe("the Pulumi engine on this machine", { skip, timeout: 600_000 }, () => {
  let sb: Sandbox;
  let file: string;
  let repo: string;
  const env = { PENGINE_TOKEN: SECRET };
  const fleet = (args: string[]) => fleetOffline(sb, args, env);
  const write = async (args: string, extra = "") =>
    writeFile(file, fleetYaml(args, extra).replace("REPO", repo));
  const states = async () => {
    const listed = await fleet(["list", "--format", "json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as ListJson;
    return new Map(list.agents.map((a) => [a.name, `${a.state} ${a.fleet ?? "-"}`]));
  };
  const plan = async (): Promise<PlanJson> => {
    const planned = await fleet(["plan", "--engine", "pulumi", "-f", file, "--format", "json"]);
    assert.equal(planned.code, 0, planned.stderr);
    return JSON.parse(planned.stdout) as PlanJson;
  };
  const actions = (p: PlanJson) => Object.fromEntries(p.changes.map((c) => [c.address, c.action]));

  before(async () => {
    sb = await makeSandbox("pulumi-local");
    repo = await sb.gitRepo("repo", { "README.md": "# work\n" });
    file = join(sb.dir, "fleet.yaml");
    await write('["600"]');
  });
  after(() => sb?.cleanup());

  test("apply creates the fleet through the stack, and list shows it RUNNING", async () => {
    const planned = await plan();
    assert.deepEqual(actions(planned), { "agents.reader": "create", "agents.sleeper": "create" });
    assert.deepEqual(planned.engine, { name: "pulumi", stack: "pengine" });
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr + applied.stdout);
    assert.match(applied.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    assert.match(applied.stderr + applied.stdout, /agents\.reader: created/);
    assert.deepEqual(
      await states(),
      new Map([
        ["reader", "RUNNING pengine"],
        ["sleeper", "RUNNING pengine"],
      ]),
    );
    const { resources } = await exportStack(sb, "pengine");
    assert.deepEqual(resources.map((r) => [r.type, r.id]).sort(), [
      ["fleet:index:Agent", "local/reader"],
      ["fleet:index:Agent", "local/sleeper"],
    ]);
  });

  test("the secret reaches the agent, and its value is nowhere in Pulumi's state", async () => {
    const pane = await sb.tmux(["list-panes", "-t", `${sb.prefix}reader`, "-F", "#{pane_pid}"]);
    const environ = await import("node:fs/promises").then((fs) =>
      fs.readFile(`/proc/${pane.stdout.trim()}/environ`, "utf8"),
    );
    assert.ok(environ.split("\0").includes(`PENGINE_TOKEN=${SECRET}`), "the agent got its secret");
    const { text, resources } = await exportStack(sb, "pengine");
    assert.ok(!text.includes(SECRET), "no secret value in `pulumi stack export`");
    const reader = resources.find((r) => r.id === "local/reader");
    assert.deepEqual(reader?.inputs?.secrets, ["PENGINE_TOKEN"]);
    const stateFiles = await import("node:child_process")
      .then(({ execFileSync }) =>
        execFileSync("grep", ["-rl", SECRET, join(sb.home, "pulumi")], { encoding: "utf8" }).trim(),
      )
      .catch(() => "");
    assert.equal(stateFiles, "", "no file under FLEET_HOME/pulumi holds the value");
  });

  test("a second apply changes nothing", async () => {
    const again = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes\. Your fleet matches the configuration\./);
  });

  test("a session killed by hand shows in plan (refresh), and apply brings it back", async () => {
    const killed = await sb.tmux(["kill-session", "-t", `${sb.prefix}sleeper`]);
    assert.equal(killed.code, 0, killed.stderr);
    const planned = await plan();
    assert.equal(actions(planned)["agents.sleeper"], "update");
    assert.match(
      planned.changes.find((c) => c.address === "agents.sleeper")?.reasons.join(" ") ?? "",
      /session is gone/,
    );
    const detailed = await fleet(["plan", "--engine", "pulumi", "-f", file, "--detailed-exitcode"]);
    assert.equal(detailed.code, 2, detailed.stderr);
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await states()).get("sleeper"), "RUNNING pengine");
    assert.equal(actions(await plan())["agents.sleeper"], "noop");
  });

  test("changing args plans a replace, in text and Markdown as natively", async () => {
    await write('["700"]');
    const text = await fleet(["plan", "--engine", "pulumi", "-f", file]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /# agents\.sleeper must be replaced/);
    assert.match(text.stdout, /args: \["600"\] -> \["700"\] # forces replacement/);
    const markdown = await fleet([
      "plan",
      "--engine",
      "pulumi",
      "-f",
      file,
      "--format",
      "markdown",
    ]);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /agents\.sleeper/);
    assert.match(markdown.stdout, /1 to add, 0 to change, 1 to destroy/);
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /1 added, 0 changed, 1 destroyed/);
  });

  test("a saved plan is refused once it is stale, and nothing changes", async () => {
    const out = join(sb.dir, "plan.json");
    await write('["800"]');
    const saved = await fleet(["plan", "--engine", "pulumi", "-f", file, "-o", out]);
    assert.equal(saved.code, 0, saved.stderr);
    await sb.tmux(["kill-session", "-t", `${sb.prefix}reader`]);
    const refused = await fleet(["apply", out]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /stale/);
    assert.equal((await states()).get("reader"), "MISSING pengine");
    // The fresh plan, reviewed and saved, applies through the stack with no --engine.
    const fresh = await fleet(["plan", "--engine", "pulumi", "-f", file, "-o", out]);
    assert.equal(fresh.code, 0, fresh.stderr);
    const applied = await fleet(["apply", out]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await states()).get("reader"), "RUNNING pengine");
  });

  test("the native engine keeps working on the fleet Pulumi manages", async () => {
    const native = await fleet(["plan", "-f", file]);
    assert.equal(native.code, 0, native.stderr);
    assert.match(native.stdout, /No changes/);
  });

  test("a name another owner holds is a conflict: apply refuses it and nothing changes", async () => {
    const made = await fleet(["create", "loner", "--no-connect", "--command", "sleep 900"]);
    assert.equal(made.code, 0, made.stderr);
    const created = async () =>
      (await sb.tmux(["display", "-p", "-t", `${sb.prefix}loner`, "#{session_created}"])).stdout;
    const before = await created();
    await write('["600"]', `  loner:\n    agent: command\n    command: "sleep 900"\n`);
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 1, applied.stdout);
    assert.match(applied.stderr, /agents\.loner: .*already/);
    assert.equal(await created(), before, "the other owner's agent is untouched");
    const { resources } = await exportStack(sb, "pengine");
    assert.ok(!resources.some((r) => r.id === "local/loner"), "nothing of it entered the stack");
    assert.equal((await fleet(["destroy", "loner", "-y"])).code, 0);
    await write('["600"]');
  });

  test("agents the native engine made are adopted into the stack, not made again", async () => {
    await write('["800"]', `  native:\n    agent: command\n    command: "sleep 900"\n`);
    const made = await fleet(["apply", "-f", file, "-y"]);
    assert.equal(made.code, 0, made.stderr);
    const planned = await plan();
    const adopted = planned.changes.find((c) => c.address === "agents.native");
    assert.equal(adopted?.action, "noop");
    assert.match(adopted?.reasons.join(" ") ?? "", /adopted into the stack \(import\)/);
    const before = await sb.tmux([
      "display",
      "-p",
      "-t",
      `${sb.prefix}native`,
      "#{session_created}",
    ]);
    const applied = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
    const afterward = await sb.tmux([
      "display",
      "-p",
      "-t",
      `${sb.prefix}native`,
      "#{session_created}",
    ]);
    assert.equal(afterward.stdout, before.stdout, "the same session: adopted, not re-created");
    const { resources } = await exportStack(sb, "pengine");
    assert.ok(resources.some((r) => r.id === "local/native"));
  });

  test("two applies at once: one waits for the other, then finds nothing to do", async () => {
    await write(
      '["800"]',
      `  native:\n    agent: command\n    command: "sleep 900"\n  extra:\n    agent: command\n    command: "sleep 901"\n`,
    );
    const [a, b] = await Promise.all([
      fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]),
      fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const outputs = [a.stdout, b.stdout];
    assert.equal(
      outputs.filter((o) => /1 added, 0 changed, 0 destroyed/.test(o)).length,
      1,
      outputs.join("\n---\n"),
    );
    assert.equal(outputs.filter((o) => /No changes/.test(o)).length, 1, outputs.join("\n---\n"));
    assert.match(a.stderr + b.stderr, /waiting for another fleet process/);
  });

  test("a run killed with -9 is followed by an apply that converges", async () => {
    await write(
      '["800"]',
      `  native:\n    agent: command\n    command: "sleep 900"\n  extra:\n    agent: command\n    command: "sleep 901"\n  late:\n    agent: command\n    command: "sleep 902"\n`,
    );
    const child = spawn(
      ...offlineArgv(process.execPath, [fleetBin, "apply", "--engine", "pulumi", "-f", file, "-y"]),
      {
        env: { ...sb.env, ...env },
        detached: true,
        stdio: "ignore",
      },
    );
    // Killed once Pulumi's own lock is taken (mid-update): the whole process group, pulumi too.
    const locks = join(
      sb.home,
      "pulumi",
      "state",
      ".pulumi",
      "locks",
      "organization",
      "fleet",
      "pengine",
    );
    await waitFor(
      async () => {
        const { readdir } = await import("node:fs/promises");
        return (await readdir(locks).catch(() => [])).length > 0;
      },
      60_000,
      20,
    );
    process.kill(-(child.pid ?? 0), "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    const converged = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(converged.code, 0, converged.stderr + converged.stdout);
    console.log(`# after kill -9: ${converged.stderr.trim().split("\n").join(" | ")}`);
    assert.equal((await states()).get("late"), "RUNNING pengine");
    const again = await fleet(["apply", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes/);
  });

  test("destroy saves work and empties the stack", async () => {
    const wrote = await fleet(["exec", "sleeper", "--", "sh", "-c", "echo unsaved > notes.txt"]);
    assert.equal(wrote.code, 0, wrote.stderr);
    const destroyed = await fleet(["destroy", "--engine", "pulumi", "-f", file, "-y"]);
    assert.equal(destroyed.code, 0, destroyed.stderr + destroyed.stdout);
    assert.match(destroyed.stdout, /Destroy complete!/);
    assert.match(destroyed.stdout, /sleeper/);
    assert.match(destroyed.stdout + destroyed.stderr, /fleet\/sleeper|saved/i);
    const { resources } = await exportStack(sb, "pengine");
    assert.deepEqual(resources, []);
    assert.equal((await states()).size, 0);
    const { execFileSync } = await import("node:child_process");
    const kept = execFileSync("git", ["-C", repo, "show", "fleet/sleeper:notes.txt"], {
      encoding: "utf8",
    });
    assert.equal(kept, "unsaved\n");
  });
});
