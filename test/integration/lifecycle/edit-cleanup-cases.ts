/**
 * `fleet label`, `fleet limit` and `fleet cleanup` as a user runs them, the same
 * on every provider: the test files give a host on which a fleet file owns the
 * agent `owned`, and which `fleet create --host` can make agents on.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { type RunResult, waitFor } from "../../helpers/sandbox.ts";

const execFileAsync = promisify(execFile);

export interface EditCleanupHost {
  /** Runs the built CLI in the test's sandbox. */
  fleet(args: string[], options?: { env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** The host agents are created on (`local`, or a docker or ssh host name). */
  host: string;
  /** A git repo on this machine, for the agents' work dirs. */
  repo: string;
  env: NodeJS.ProcessEnv;
  /** Whether a local agent's branch lives in `repo` (a worktree) rather than only on its host. */
  sharedBranch: boolean;
}

interface ListedAgent {
  name: string;
  host: string;
  state: string;
  fleet: string | null;
  labels: Record<string, string>;
  idleTimeoutSeconds: number | null;
}

const out = (r: RunResult): string => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

async function ok(h: EditCleanupHost, args: string[]): Promise<RunResult> {
  const result = await h.fleet(args);
  assert.equal(result.code, 0, `fleet ${args.join(" ")}: ${out(result)}`);
  return result;
}

async function listed(h: EditCleanupHost, ...args: string[]): Promise<ListedAgent[]> {
  const result = await h.fleet(["list", "--json", ...args]);
  return (JSON.parse(result.stdout) as { agents: ListedAgent[] }).agents;
}

async function agent(h: EditCleanupHost, name: string): Promise<ListedAgent | undefined> {
  return (await listed(h)).find((a) => a.name === name);
}

const SILENT = "sleep 3600";
const BUSY = "while :; do date; sleep 0.5; done";

export function editCleanupCases(get: () => EditCleanupHost): void {
  const create = (name: string, command: string, ...more: string[]) =>
    ok(get(), [
      "create",
      name,
      "--host",
      get().host,
      "--command",
      command,
      "--no-connect",
      ...more,
    ]);

  test("fleet label sets and removes labels; -l selects by them and the agent's log says so", async () => {
    const h = get();
    await create("scratch", SILENT);
    const set = await ok(h, ["label", "scratch", "role=review", "team=payments"]);
    assert.equal(set.stdout, `Labelled scratch@${h.host}: role=review team=payments\n`);
    assert.deepEqual(
      (await listed(h, "-l", "role=review")).map((a) => a.name),
      ["scratch"],
    );
    const removed = await ok(h, ["label", `scratch@${h.host}`, "role-", "--json"]);
    const doc = JSON.parse(removed.stdout) as Record<string, unknown>;
    assert.deepEqual(doc, {
      agent: "scratch",
      host: h.host,
      labels: { team: "payments" },
      set: [],
      removed: ["role"],
    });
    assert.deepEqual(await listed(h, "-l", "role=review"), []);
    const again = await ok(h, ["label", "scratch", "team=payments"]);
    assert.equal(again.stdout, `scratch@${h.host}: labels unchanged.\n`);
    const logs = await ok(h, ["logs", "scratch"]);
    assert.match(logs.stdout, /updated\s+fields=\["labels"\]/);
    // Still running: a label is recorded in place, nothing restarts.
    assert.equal((await agent(h, "scratch"))?.state, "RUNNING");
  });

  test("fleet label refuses bad labels, the owner label and agents of a fleet file, changing nothing", async () => {
    const h = get();
    const before = await listed(h);
    for (const bad of [["role"], ["-x=1"], ["a,b=1"], ["k=a,b"], ["k= padded"], ["k=x", "k-"]]) {
      const result = await h.fleet(["label", "scratch", ...bad]);
      assert.equal(result.code, 2, `${bad.join(" ")}: ${out(result)}`);
    }
    const owner = await h.fleet(["label", "scratch", "owner=mallory"]);
    assert.equal(owner.code, 2);
    assert.match(owner.stderr, /fleet handoff/);
    const owned = await h.fleet(["label", "owned", "role=review", "--json"]);
    assert.equal(owned.code, 1, out(owned));
    const error = (JSON.parse(owned.stdout) as { error: { code: string; hint: string } }).error;
    assert.equal(error.code, "AGENT_OWNED_BY_FLEET_FILE");
    assert.match(error.hint, /agents\.owned/);
    const unknown = await h.fleet(["label", "nosuch", "role=x"]);
    assert.equal(unknown.code, 1);
    assert.deepEqual(
      (await listed(h)).map((a) => [a.name, a.labels]),
      before.map((a) => [a.name, a.labels]),
    );
  });

  test("fleet limit records the idle timeout reconcile judges the agent by, or turns it off", async () => {
    const h = get();
    const set = await ok(h, ["limit", "scratch", "--idle-timeout", "1s"]);
    assert.equal(set.stdout, `scratch@${h.host}: idle timeout 15m -> 1s.\n`);
    assert.equal((await agent(h, "scratch"))?.idleTimeoutSeconds, 1);
    const stops = async (): Promise<string[]> => {
      const result = await h.fleet(["reconcile", "--dry-run", "--json"]);
      const doc = JSON.parse(result.stdout) as { stops: { name: string; kind: string }[] };
      return doc.stops.filter((s) => s.kind === "agent").map((s) => s.name);
    };
    await waitFor(async () => (await stops()).includes("scratch"), 30_000, 500);
    const off = await ok(h, ["limit", "scratch", "--idle", "disabled", "--json"]);
    assert.deepEqual(JSON.parse(off.stdout), {
      agent: "scratch",
      host: h.host,
      idleTimeoutSeconds: { before: 1, after: null },
    });
    assert.equal((await agent(h, "scratch"))?.idleTimeoutSeconds, null);
    assert.ok(!(await stops()).includes("scratch"));
    assert.equal((await agent(h, "scratch"))?.state, "RUNNING");
  });

  test("fleet limit refuses bad input and agents of a fleet file", async () => {
    const h = get();
    for (const bad of [
      [],
      ["--idle-timeout", "soon"],
      ["--idle-timeout", "0s"],
      ["--idle", "off"],
    ]) {
      const result = await h.fleet(["limit", "scratch", ...bad]);
      assert.equal(result.code, 2, `${bad.join(" ")}: ${out(result)}`);
    }
    const both = await h.fleet(["limit", "scratch", "--idle-timeout", "1h", "--idle", "disabled"]);
    assert.equal(both.code, 2);
    const owned = await h.fleet(["limit", "owned", "--idle-timeout", "1h"]);
    assert.equal(owned.code, 1, out(owned));
    assert.match(owned.stderr, /belongs to fleet/);
    assert.equal((await agent(h, "scratch"))?.idleTimeoutSeconds, null);
  });

  test("fleet cleanup shows the idle agents made by fleet create, asks, and stops only those", async () => {
    const h = get();
    await create("quiet", SILENT, "--workdir", h.repo);
    await create("busy", BUSY);
    await ok(h, ["label", "quiet", "role=cleanup"]);
    await ok(h, ["label", "busy", "role=cleanup"]);
    const picked = async (): Promise<string[]> => {
      const result = await ok(h, ["cleanup", "--idle-for", "3s", "--dry-run", "--json"]);
      const doc = JSON.parse(result.stdout) as { candidates: { agent: string }[] };
      return doc.candidates.map((c) => c.agent);
    };
    const names = await waitFor(
      async () => {
        const now = await picked();
        return now.includes("quiet") ? now : undefined;
      },
      30_000,
      500,
    );
    assert.ok(!names.includes("busy"), `busy is printing, not idle: ${names.join(", ")}`);
    assert.ok(!names.includes("owned"), "a fleet file's agent is its own");
    assert.equal((await agent(h, "quiet"))?.state, "RUNNING", "a dry run changed something");

    const text = await ok(h, ["cleanup", "--idle-for", "3s", "-l", "role=cleanup", "--dry-run"]);
    assert.match(text.stdout, /1 agent idle for 3s will be stopped:\n {2}quiet@/);
    assert.match(text.stdout, /Dry run: nothing was changed\./);
    const unasked = await h.fleet(["cleanup", "--idle-for", "3s"]);
    assert.equal(unasked.code, 2, out(unasked));
    assert.match(unasked.stderr, /-y/);
    for (const bad of [[], ["--idle-for", "soon"], ["--idle-for", "1s", "--stop", "--destroy"]]) {
      assert.equal((await h.fleet(["cleanup", ...bad, "-y"])).code, 2, bad.join(" "));
    }

    const done = await ok(h, ["cleanup", "--idle-for", "3s", "-l", "role=cleanup", "-y"]);
    assert.match(done.stdout, new RegExp(`Stopped quiet@${h.host}\\.`));
    assert.equal((await agent(h, "quiet"))?.state, "STOPPED");
    assert.equal((await agent(h, "busy"))?.state, "RUNNING");
    assert.equal((await agent(h, "owned"))?.state, "RUNNING");
    const logs = await ok(h, ["logs", "quiet"]);
    assert.match(logs.stdout, /stopped\s+reason=stopped by fleet cleanup \(idle for 3s\)/);
  });

  test("fleet cleanup --destroy saves the agent's uncommitted work first", async () => {
    const h = get();
    await ok(h, ["start", "quiet"]);
    await ok(h, ["exec", "quiet", "--", "sh", "-c", "echo draft > draft.txt"]);
    const result = await ok(h, [
      "cleanup",
      "--older-than",
      "1s",
      "--destroy",
      "-l",
      "role=cleanup,!keep",
      "-y",
      "--json",
    ]);
    const doc = JSON.parse(result.stdout) as {
      action: string;
      changed: string[];
      destroyed: { agent: string; saved: { kind: string; location: string }[] }[];
    };
    assert.equal(doc.action, "destroy");
    assert.deepEqual(doc.changed.sort(), [`busy@${h.host}`, `quiet@${h.host}`]);
    const quiet = doc.destroyed.find((d) => d.agent === "quiet");
    assert.ok(quiet && quiet.saved.length > 0, `nothing saved: ${result.stdout}`);
    if (h.sharedBranch) {
      const { stdout } = await execFileAsync("git", ["show", "fleet/quiet:draft.txt"], {
        cwd: h.repo,
        env: h.env,
      });
      assert.equal(stdout, "draft\n");
    } else {
      const bundle = quiet.saved.find((s) => s.kind === "bundle");
      assert.ok(bundle, JSON.stringify(quiet.saved));
      const { stdout } = await execFileAsync("git", ["bundle", "list-heads", bundle.location], {
        env: h.env,
      });
      assert.match(stdout, /refs\/heads\/fleet\/quiet/);
    }
    assert.equal(await agent(h, "quiet"), undefined);
    assert.equal((await agent(h, "owned"))?.state, "RUNNING");
  });
}
