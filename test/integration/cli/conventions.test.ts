/**
 * CLI conventions of issue 9: global flags on either side of the command, `-l`
 * label selectors, "No agents matched" with warnings for unknown filters,
 * missing files named, counts pluralised, `list --watch` without a terminal.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fleetBin, makeSandbox, type Sandbox, waitFor } from "../../helpers/sandbox.ts";

interface ListJson {
  agents: { name: string; state: string; labels: Record<string, string> }[];
}

const FLEET = `version: 1
name: conv
agents:
  rev-a: { agent: command, command: "sleep 600", labels: { role: review, tier: dev } }
  rev-b: { agent: command, command: "sleep 600", labels: { role: review, tier: prod } }
  builder: { agent: command, command: "sleep 600", labels: { role: build } }
`;

describe("CLI conventions", () => {
  let sb: Sandbox;
  const names = async (args: string[]): Promise<string[]> => {
    const result = await sb.fleet([...args, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as ListJson).agents.map((a) => a.name).sort();
  };
  const stateOf = async (name: string): Promise<string | undefined> => {
    const list = JSON.parse((await sb.fleet(["ls", "--json"])).stdout) as ListJson;
    return list.agents.find((a) => a.name === name)?.state;
  };

  before(async () => {
    sb = await makeSandbox("conventions");
    await writeFile(join(sb.dir, "fleet.yaml"), FLEET);
    const applied = await sb.fleet(["apply", "-y"]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(() => sb.cleanup());

  test("--json works before the command, after it, and as --format json before it", async () => {
    for (const args of [
      ["--json", "ls"],
      ["ls", "--json"],
      ["--format", "json", "list"],
      ["--format=json", "list"],
      ["--no-color", "--debug", "--json", "ls"],
    ]) {
      const result = await sb.fleet(args);
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      const list = JSON.parse(result.stdout) as ListJson;
      assert.equal(list.agents.length, 3, args.join(" "));
    }
  });

  test("every command takes the global flags, completion too", async () => {
    const result = await sb.fleet(["--debug", "--no-color", "completion", "bash"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /complete -F _fleet fleet/);
  });

  test("a global flag before a subcommand of a group reaches the subcommand", async () => {
    const result = await sb.fleet(["--json", "host", "trust", "nowhere"]);
    // The point: --json was accepted (an unknown option would be exit 2 and no JSON).
    const parsed = JSON.parse(result.stdout) as { error: { code: string } };
    assert.equal(typeof parsed.error.code, "string");
    assert.notEqual(result.code, 2, result.stderr);
  });

  test("-l selects by labels: key=value, key!=value, key, !key, repeated and comma-joined", async () => {
    assert.deepEqual(await names(["ls", "-l", "role=review"]), ["rev-a", "rev-b"]);
    assert.deepEqual(await names(["ls", "-l", "role=review", "-l", "tier!=prod"]), ["rev-a"]);
    assert.deepEqual(await names(["ls", "-l", "role=review,tier=prod"]), ["rev-b"]);
    assert.deepEqual(await names(["ls", "-l", "tier"]), ["rev-a", "rev-b"]);
    assert.deepEqual(await names(["ls", "-l", "!tier"]), ["builder"]);
    assert.deepEqual(await names(["ls", "--selector", "role!=review"]), ["builder"]);
  });

  test("a malformed selector is a usage error", async () => {
    const result = await sb.fleet(["ls", "-l", "=x"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid label selector "=x"/);
  });

  test("stop and start take -l; names and -l together are refused", async () => {
    const stopped = await sb.fleet(["stop", "-l", "role=review", "-l", "tier=dev"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /Stopped rev-a\./);
    assert.equal(await stateOf("rev-a"), "STOPPED");
    assert.equal(await stateOf("rev-b"), "RUNNING");
    const started = await sb.fleet(["start", "-l", "tier=dev"]);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(await stateOf("rev-a"), "RUNNING");
    const both = await sb.fleet(["stop", "rev-a", "-l", "role=review"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
    const neither = await sb.fleet(["stop"]);
    assert.equal(neither.code, 2);
  });

  test("a selector that matches nothing says so, for list, stop and destroy", async () => {
    const list = await sb.fleet(["ls", "-l", "role=nobody"]);
    assert.equal(list.code, 0);
    assert.equal(list.stdout, "No agents matched.\n");
    const stop = await sb.fleet(["stop", "-l", "role=nobody"]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /No agents matched/);
    const destroy = await sb.fleet(["destroy", "-l", "role=nobody", "-y"]);
    assert.equal(destroy.code, 0, destroy.stderr);
    assert.match(destroy.stdout, /No agents matched/);
    assert.equal((await names(["ls"])).length, 3);
  });

  test("--host of an unknown host: nothing matched, and a warning naming the known hosts", async () => {
    const result = await sb.fleet(["ls", "--host", "nope"]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "No agents matched.\n");
    assert.match(result.stderr, /warning: no host named "nope" is known; known hosts: local/);
    const json = await sb.fleet(["ls", "--host", "nope", "--json"]);
    assert.deepEqual((JSON.parse(json.stdout) as ListJson).agents, []);
    assert.match(json.stderr, /no host named "nope"/);
  });

  test("--fleet of an unknown fleet warns with a near miss; a known one with no match does not", async () => {
    const typo = await sb.fleet(["ls", "--fleet", "cnov"]);
    assert.equal(typo.stdout, "No agents matched.\n");
    assert.match(typo.stderr, /no agent belongs to a fleet named "cnov" \(did you mean "conv"\?\)/);
    const known = await sb.fleet(["ls", "--fleet", "conv", "--state", "done"]);
    assert.equal(known.stdout, "No agents matched.\n");
    assert.equal(known.stderr, "");
  });

  test("missing files are named: --file, -f and a plan file", async () => {
    const message = await sb.fleet(["message", "rev-a", "--file", join(sb.dir, "missing.txt")]);
    assert.equal(message.code, 1);
    assert.match(message.stderr, /message file .*missing\.txt: no such file/);
    assert.doesNotMatch(message.stderr, /ENOENT/);
    const plan = await sb.fleet(["plan", "-f", join(sb.dir, "nofleet.yaml")]);
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, /nofleet\.yaml/);
    const out = await sb.fleet(["plan", "-o", join(sb.dir, "nodir", "plan.json")]);
    assert.equal(out.code, 1);
    assert.match(
      out.stderr,
      /could not save the plan to .*nodir\/plan\.json: directory .*nodir does not exist/,
    );
    const apply = await sb.fleet(["apply", join(sb.dir, "noplan.json")]);
    assert.notEqual(apply.code, 0);
    assert.match(apply.stderr, /noplan\.json/);
    assert.doesNotMatch(apply.stderr, /ENOENT/);
  });

  test("counts are pluralised: 1 character, 2 characters", async () => {
    const one = await sb.fleet(["message", "rev-b", "x"]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /Sent 1 character to rev-b\./);
    const two = await sb.fleet(["message", "rev-b", "xy"]);
    assert.match(two.stderr, /Sent 2 characters to rev-b\./);
  });

  test("validate counts 1 agent, 1 host and 2 agents", async () => {
    const single = join(sb.dir, "single.yaml");
    await writeFile(single, "version: 1\nname: one\nagents:\n  a: { command: 'sleep 1' }\n");
    const one = await sb.fleet(["validate", "-f", single]);
    assert.match(one.stdout, /\(1 agent, 1 host\)/);
    const double = join(sb.dir, "double.yaml");
    await writeFile(
      double,
      "version: 1\nname: two\nagents:\n  a: { command: 'sleep 1' }\n  b: { command: 'sleep 1' }\n",
    );
    const two = await sb.fleet(["validate", "-f", double]);
    assert.match(two.stdout, /\(2 agents, 1 host\)/);
  });

  test("list --watch without a terminal prints the list, then one line per change, until SIGINT", async () => {
    const child = spawn(process.execPath, [fleetBin, "ls", "--watch", "-l", "role=build"], {
      cwd: sb.dir,
      env: sb.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      await waitFor(async () => Promise.resolve(out.includes("builder")), 20_000);
      assert.match(out, /NAME\s+HOST\s+STATE/);
      const stopped = await sb.fleet(["stop", "builder"]);
      assert.equal(stopped.code, 0, stopped.stderr);
      await waitFor(
        async () => Promise.resolve(out.includes("builder@local RUNNING -> STOPPED")),
        20_000,
      );
    } finally {
      child.kill("SIGINT");
    }
    assert.equal(await exited, 0);
    await sb.fleet(["start", "builder"]);
  });

  test("list --watch refuses --format json (a stream is not one document)", async () => {
    const result = await sb.fleet(["ls", "--watch", "--json"]);
    assert.equal(result.code, 2);
    // With --json the error itself is JSON on stdout.
    const { error } = JSON.parse(result.stdout) as { error: { code: string; hint: string } };
    assert.equal(error.code, "USAGE");
    assert.match(error.hint, /jsonl/);
  });

  test("destroy -l destroys only what the selector matches", async () => {
    const result = await sb.fleet(["destroy", "-l", "tier=prod", "-y"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await names(["ls"]), ["builder", "rev-a"]);
  });
});
