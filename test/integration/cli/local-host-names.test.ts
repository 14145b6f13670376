/**
 * This machine under several names, as teams write it: three fleets at once
 * (`payments` and `site` call it `laptop`, `ops` calls it `workstation`), plus
 * agents made with `fleet create`, all on one tmux server. Each command must see
 * exactly the right agents, and nothing of another fleet is ever touched.
 */
import assert from "node:assert/strict";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  makeSandbox,
  repoRoot,
  waitFor,
  type RunResult,
  type Sandbox,
} from "../../helpers/sandbox.ts";

const FIXTURES = join(repoRoot, "test", "fixtures", "fleets");
/** Far longer than any of these commands takes; only a hang (a lock waited on forever) reaches it. */
const HANG = { timeoutMs: 60_000 };

interface Listed {
  name: string;
  host: string;
  fleet: string | null;
  state: string;
}

const out = (r: RunResult): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

describe("local hosts by any name, three fleets and created agents on one machine", () => {
  let sb: Sandbox;
  const file = (name: string): string => join(sb.dir, name);
  const fleet = async (args: string[], expect = 0): Promise<RunResult> => {
    const result = await sb.fleet(args, HANG);
    assert.equal(result.code, expect, `fleet ${args.join(" ")}: ${out(result)}`);
    return result;
  };
  const list = async (...args: string[]): Promise<string[]> => {
    const doc = JSON.parse((await fleet(["list", "--json", ...args])).stdout) as {
      agents: Listed[];
    };
    return doc.agents.map((a) => `${a.name}@${a.host}:${a.fleet ?? "-"}`).sort();
  };
  const sessions = async (): Promise<string[]> =>
    (await sb.tmux(["list-sessions", "-F", "#{session_name}"])).stdout
      .split("\n")
      .filter(Boolean)
      .map((s) => s.slice(sb.prefix.length))
      .sort();
  const panePid = async (agent: string): Promise<string> =>
    (
      await sb.tmux(["display-message", "-p", "-t", `=${sb.prefix}${agent}:agent`, "#{pane_pid}"])
    ).stdout.trim();

  before(async () => {
    sb = await makeSandbox("local-names");
    for (const name of ["laptop.yaml", "ops.yaml", "site.yaml"]) {
      await copyFile(join(FIXTURES, name), file(name));
    }
  });
  after(() => sb.cleanup());

  test("apply and plan of a fleet with a named local host finish instead of waiting on their own lock", async () => {
    const applied = await fleet(["apply", "-f", file("laptop.yaml"), "-y"]);
    assert.doesNotMatch(applied.stderr, /waiting for another fleet process/);
    assert.match(applied.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    await fleet(["apply", "-f", file("ops.yaml"), "-y"]);
    await fleet(["apply", "-f", file("site.yaml"), "-y"]);
    await fleet(["create", "scratch", "--no-connect", "--command", "sleep 3600"]);
    await fleet(["create", "notes", "--host", "laptop", "--no-connect", "--command", "sleep 3600"]);
    for (const name of ["laptop.yaml", "ops.yaml", "site.yaml"]) {
      await fleet(["plan", "-f", file(name), "--detailed-exitcode"]);
    }
  });

  test("list shows every agent once, under the host name it was declared or created with", async () => {
    assert.deepEqual(await list(), [
      "builder@local:site",
      "docs@laptop:payments",
      "janitor@local:ops",
      "log-watcher@laptop:payments",
      "notes@laptop:-",
      "preview@laptop:site",
      "scratch@local:-",
      "tailer@workstation:ops",
    ]);
  });

  test("--host local is this machine; --host laptop is the agents declared on laptop", async () => {
    assert.equal((await list("--host", "local")).length, 8);
    assert.deepEqual(await list("--host", "laptop"), [
      "docs@laptop:payments",
      "log-watcher@laptop:payments",
      "notes@laptop:-",
      "preview@laptop:site",
    ]);
    assert.deepEqual(await list("--host", "workstation"), ["tailer@workstation:ops"]);
  });

  test("exec, message and transcript reach an agent on laptop as NAME, NAME@laptop and NAME@local", async () => {
    for (const ref of ["docs", "docs@laptop", "docs@local"]) {
      const pwd = await fleet(["exec", ref, "--", "pwd"]);
      assert.equal(pwd.stdout.trim(), join(sb.home, "agents", "docs", "work"));
    }
    await fleet(["message", "docs@local", "hello from local"]);
    await fleet(["message", "docs@laptop", "hello from laptop"]);
    const transcript = await waitFor(async () => {
      const r = await sb.fleet(["transcript", "docs"]);
      return /docs heard: hello from laptop/.test(r.stdout) ? r.stdout : undefined;
    });
    assert.match(transcript, /docs heard: hello from local/);
    const wrongName = await fleet(["exec", "docs@workstation", "--", "true"], 1);
    assert.match(wrongName.stderr, /no agent named "docs@workstation"/);
    assert.match(wrongName.stderr, /docs@laptop/);
  });

  test("create refuses a name another local host name already has: one tmux server", async () => {
    const result = await fleet(
      ["create", "tailer", "--host", "laptop", "--no-connect", "--command", "true"],
      1,
    );
    assert.match(result.stderr, /an agent named "tailer" already exists/);
    assert.deepEqual(await list("--host", "workstation"), ["tailer@workstation:ops"]);
  });

  test("a fleet wanting a name another fleet holds under another local name gets a conflict", async () => {
    await writeFile(
      file("clash.yaml"),
      "version: 1\nname: clash\nhosts:\n  desk: { provider: local }\nagents:\n  tailer: { command: 'sleep 1', host: desk }\n",
    );
    const planned = await fleet(["plan", "-f", file("clash.yaml")], 1);
    assert.match(
      planned.stdout + planned.stderr,
      /host desk \(the same machine as workstation\) already has an agent named "tailer" that belongs to fleet "ops"/,
    );
    await fleet(["apply", "-f", file("clash.yaml"), "-y"], 1);
    assert.deepEqual(await list("--host", "workstation"), ["tailer@workstation:ops"]);
  });

  test("moving an agent from local to workstation in the file renames it in place", async () => {
    const before = await panePid("janitor");
    const moved = (await readFile(file("ops.yaml"), "utf8")).replace(
      'janitor: { command: "sleep 3600" }',
      'janitor: { command: "sleep 3600", host: workstation }',
    );
    assert.notEqual(moved, await readFile(file("ops.yaml"), "utf8"));
    await writeFile(file("ops.yaml"), moved);
    const plan = await fleet(["plan", "-f", file("ops.yaml"), "--json"]);
    const changes = (JSON.parse(plan.stdout) as { changes: { address: string; action: string }[] })
      .changes;
    assert.deepEqual(changes.map((c) => `${c.address}:${c.action}`).sort(), [
      "agents.janitor:update",
      "agents.tailer:noop",
    ]);
    await fleet(["apply", "-f", file("ops.yaml"), "-y"]);
    assert.deepEqual(await list("--fleet", "ops"), [
      "janitor@workstation:ops",
      "tailer@workstation:ops",
    ]);
    assert.equal(await panePid("janitor"), before, "the agent's process was not restarted");
    await fleet(["plan", "-f", file("ops.yaml"), "--detailed-exitcode"]);
  });

  test("destroying one fleet removes only its agents, and says so truthfully", async () => {
    const others = (await sessions()).filter((s) => s !== "docs" && s !== "log-watcher");
    const destroyed = await fleet(["destroy", "-f", file("laptop.yaml"), "-y"]);
    assert.match(
      destroyed.stdout,
      /Destroy complete! Resources: 0 added, 0 changed, 2 destroyed\./,
    );
    assert.match(destroyed.stdout, /fleet destroy: everything fleet "payments" owns is destroyed/);
    assert.doesNotMatch(destroyed.stdout, /Apply complete|no longer in the fleet file/);
    assert.deepEqual(await sessions(), others);
    assert.deepEqual(await list(), [
      "builder@local:site",
      "janitor@workstation:ops",
      "notes@laptop:-",
      "preview@laptop:site",
      "scratch@local:-",
      "tailer@workstation:ops",
    ]);
    const again = await fleet(["destroy", "-f", file("laptop.yaml"), "-y"]);
    assert.match(again.stdout, /Nothing to destroy: fleet "payments" owns nothing that runs\./);
  });

  test("destroy NAME@local destroys a created agent on laptop", async () => {
    const result = await fleet(["destroy", "notes@local", "-y"]);
    assert.equal(result.stdout, "Destroyed notes@laptop.\n");
    assert.ok(!(await sessions()).includes("notes"));
  });

  test("host ls shows the local names; host rm forgets one and its agents stay listed", async () => {
    const doc = JSON.parse((await fleet(["host", "ls", "--json"])).stdout) as {
      hosts: { name: string; provider: string; remembered: boolean; agents: number }[];
    };
    assert.deepEqual(
      doc.hosts.map((h) => `${h.name}:${h.provider}:${h.remembered}:${h.agents}`),
      ["local:local:false:2", "laptop:local:true:1", "workstation:local:true:2"],
    );
    const removed = await fleet(["host", "rm", "workstation"]);
    assert.match(removed.stdout, /Forgot host workstation; nothing on it was changed\./);
    const after = JSON.parse((await fleet(["host", "ls", "--json"])).stdout) as {
      hosts: { name: string }[];
    };
    assert.deepEqual(
      after.hosts.map((h) => h.name),
      ["local", "laptop"],
    );
    assert.deepEqual(await list("--host", "workstation"), [
      "janitor@workstation:ops",
      "tailer@workstation:ops",
    ]);
    const local = await fleet(["host", "rm", "local"], 2);
    assert.match(local.stderr, /host "local" is this machine/);
  });

  test("applying the file that declares a forgotten host, with nothing to change, remembers it again", async () => {
    const applied = await fleet(["apply", "-f", file("ops.yaml"), "-y"]);
    assert.match(applied.stdout, /No changes/);
    const hosts = JSON.parse((await fleet(["host", "ls", "--json"])).stdout) as {
      hosts: { name: string; remembered: boolean }[];
    };
    assert.deepEqual(
      hosts.hosts.map((h) => `${h.name}:${h.remembered}`),
      ["local:false", "laptop:true", "workstation:true"],
    );
  });
  test("reconcile stops an idle agent on a local name no known host lists", async () => {
    await writeFile(
      file("idle.yaml"),
      "version: 1\nname: idlers\nhosts:\n  den: { provider: local }\nagents:\n  dozer: { command: 'sleep 3600', host: den, idleTimeout: 1s }\n",
    );
    await fleet(["apply", "-f", file("idle.yaml"), "-y"]);
    // Forgotten, so only the agent's record says `den`: reconcile must still reach it.
    await fleet(["host", "rm", "den"]);
    const stopped = await waitFor(async () => {
      const result = await fleet(["reconcile"]);
      if (!/agents\.dozer/.test(result.stdout)) return undefined;
      // A reconcile that only reports "nothing to stop yet" leaves the list empty: keep waiting.
      const stoppedNow = await list("--state", "stopped");
      return stoppedNow.length > 0 && stoppedNow;
    }, 30_000);
    assert.deepEqual(stopped, ["dozer@den:idlers"]);
    const rest = (await list()).filter((a) => !a.startsWith("dozer@"));
    assert.equal(rest.length, 5, "no other agent was stopped");
    assert.deepEqual(await list("--state", "running"), rest);
  });
});
