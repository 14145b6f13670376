import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { createAgent, readEvents } from "../../../src/core/host/index.ts";
import { waitFor } from "../../helpers/sandbox.ts";
import { filesUnder, makeRuntime, type Runtime } from "./runtime-fixture.ts";

const execFileAsync = promisify(execFile);

describe("createAgent", () => {
  let rt: Runtime;
  before(async () => {
    rt = await makeRuntime("create");
  });
  after(async () => {
    await rt.cleanup();
  });

  test("a service with port auto gets a free port and the agent sees it as <SERVICE>_PORT", async () => {
    const out = join(rt.sb.dir, "svc-env");
    const spec = rt.spec("svc", {
      command: `printf '%s %s' "$FOO" "$WEB_PORT" > ${out}; exec cat`,
      env: { FOO: "from spec" },
      services: [
        {
          name: "web",
          command: `exec node -e 'require("net").createServer().listen(+process.env.PORT, "127.0.0.1")'`,
          port: "auto",
        },
      ],
    });
    const live = await createAgent(rt.h, spec, { fleet: "team", secrets: {} });
    const port = live.ports?.web;
    assert.ok(port !== undefined && port >= 1024 && port <= 65535, `port ${String(port)}`);
    assert.equal(
      await waitFor(() => readFile(out, "utf8").catch(() => undefined)),
      `from spec ${port}`,
    );
    // The service really listens there: its PORT was the allocated one.
    await waitFor(async () => {
      const { stdout } = await execFileAsync("ss", ["-Htln", `sport = :${port}`]);
      return stdout.includes(`:${port}`);
    });
  });

  test("fixed and auto ports of several services are all recorded", async () => {
    const spec = rt.spec("multi", {
      services: [
        { name: "db", command: "exec sleep 600", port: "auto" },
        { name: "web-ui", command: "exec sleep 600", port: 24999 },
        { name: "worker", command: "exec sleep 600", port: null },
        { name: "cache", command: "exec sleep 600", port: "auto" },
      ],
    });
    const created = await createAgent(rt.h, spec, { fleet: null, secrets: {} });
    assert.deepEqual(Object.keys(created.ports ?? {}).sort(), ["cache", "db", "web-ui"]);
    assert.equal(created.ports?.["web-ui"], 24999);
    assert.notEqual(created.ports?.db, created.ports?.cache);
    const live = await rt.live("multi");
    assert.deepEqual(live?.ports, created.ports);
    const windows = await rt.tmux(
      "list-windows",
      "-t",
      `=${rt.sb.prefix}multi:`,
      "-F",
      "#{window_name}",
    );
    assert.deepEqual(windows.stdout.trim().split("\n"), [
      "agent",
      "db",
      "web-ui",
      "worker",
      "cache",
    ]);
    const env = await readFile(join(rt.sb.home, "agents", "multi", "env.sh"), "utf8");
    assert.match(env, /^export WEB_UI_PORT=24999$/m);
  });

  test("a session fleet did not start is refused on create and left running", async () => {
    const session = `${rt.sb.prefix}orphan`;
    await rt.tmux("new-session", "-d", "-s", session, "sleep 600");
    await assert.rejects(createAgent(rt.h, rt.spec("orphan"), { fleet: null, secrets: {} }), {
      code: "SESSION_NOT_FLEETS",
      message: new RegExp(`session named "${session}" already exists`),
    });
    const windows = await rt.tmux("list-windows", "-t", `=${session}:`, "-F", "#{window_name}");
    assert.notEqual(windows.stdout.trim(), "agent");
    assert.equal(windows.code, 0);
  });

  test("fleet's own session left without a record is not replaced blind", async () => {
    const session = `${rt.sb.prefix}norecord`;
    await rt.tmux("new-session", "-d", "-s", session, "-n", "agent", "sleep 600");
    await rt.tmux("set-option", "-t", `=${session}:`, "@fleet_agent", "norecord");
    await assert.rejects(createAgent(rt.h, rt.spec("norecord"), { fleet: null, secrets: {} }), {
      code: "AGENT_RECORD_MISSING",
    });
    const alive = await rt.tmux("has-session", "-t", `=${session}:`);
    assert.equal(alive.code, 0);
  });

  test("discoverAgents reports a created agent RUNNING with its spec and owner", async () => {
    const spec = rt.spec("disc", { labels: { team: "qa" } });
    const created = await createAgent(rt.h, spec, { fleet: "team", secrets: {} });
    const live = await rt.live("disc");
    assert.ok(live);
    assert.equal(live.state, "RUNNING");
    assert.equal(live.fleet, "team");
    assert.equal(live.host, "local");
    assert.equal(live.provider, "local");
    assert.deepEqual(live.spec, spec);
    assert.equal(live.specHash, created.specHash);
    assert.equal(live.workdir, created.workdir);
    assert.equal(live.attached, false);
    assert.ok(live.lastActivity !== undefined && Date.now() - live.lastActivity < 60_000);
  });

  test("agent.json is one line of JSON ending in a newline", async () => {
    await createAgent(rt.h, rt.spec("jsonl"), { fleet: null, secrets: {} });
    const text = await readFile(join(rt.sb.home, "agents", "jsonl", "agent.json"), "utf8");
    assert.ok(text.endsWith("}\n"));
    assert.equal(text.split("\n").length, 2);
    const record = JSON.parse(text) as { version: number; state: string; fleet: unknown };
    assert.equal(record.version, 1);
    assert.equal(record.state, "running");
    assert.equal(record.fleet, null);
  });

  test("a secret reaches the agent's environment but no file under FLEET_HOME and no command line", async () => {
    const secret = `s3cret-${Math.random().toString(36).slice(2)}`;
    const out = join(rt.sb.dir, "secret-seen");
    const spec = rt.spec("sec", {
      secrets: ["API_TOKEN"],
      command: `printf '%s' "$API_TOKEN" > ${out}; exec sleep 600`,
    });
    await createAgent(rt.h, spec, { fleet: null, secrets: { API_TOKEN: secret } });
    assert.equal(await waitFor(() => readFile(out, "utf8").catch(() => undefined)), secret);
    for (const file of await filesUnder(rt.sb.home)) {
      assert.ok(!file.content.includes(secret), `secret found in ${file.path}`);
    }
    const { stdout } = await execFileAsync("ps", ["-eo", "args"], { maxBuffer: 16 * 1024 * 1024 });
    assert.ok(!stdout.includes(secret), "secret found in ps output");
  });

  test("a missing secret fails naming the variable before anything is made", async () => {
    const spec = rt.spec("nosecret", { secrets: ["MISSING_TOKEN"] });
    await assert.rejects(createAgent(rt.h, spec, { fleet: null, secrets: {} }), (error: Error) => {
      assert.match(error.message, /MISSING_TOKEN/);
      return true;
    });
    assert.equal(await rt.live("nosecret"), undefined);
  });

  test("creating the same agent again returns the running one without a second start", async () => {
    const spec = rt.spec("twice");
    const first = await createAgent(rt.h, spec, { fleet: "team", secrets: {} });
    const second = await createAgent(rt.h, spec, { fleet: "team", secrets: {} });
    assert.equal(second.state, "RUNNING");
    assert.equal(second.createdAt, first.createdAt);
    const created = (await readEvents(rt.h, "twice")).filter((e) => e.type === "created");
    assert.equal(created.length, 1);
  });

  test("creating a running agent with a different spec fails", async () => {
    await createAgent(rt.h, rt.spec("differs"), { fleet: "team", secrets: {} });
    await assert.rejects(
      createAgent(rt.h, rt.spec("differs", { labels: { changed: "yes" } }), {
        fleet: "team",
        secrets: {},
      }),
      { code: "AGENT_EXISTS" },
    );
  });

  test("an agent from a git repo works in a worktree on its branch, made from HEAD", async () => {
    const repo = await rt.sb.gitRepo("wt-repo", { "README.md": "hello\n" });
    const spec = rt.spec("wt", { workdir: { from: repo, branch: "fleet/wt" } });
    const live = await createAgent(rt.h, spec, { fleet: null, secrets: {} });
    assert.equal(live.workdir, join(rt.sb.home, "agents", "wt", "work"));
    const git = (...args: string[]) =>
      execFileAsync("git", ["-C", live.workdir!, ...args], { env: rt.sb.env });
    assert.equal((await git("symbolic-ref", "--short", "HEAD")).stdout.trim(), "fleet/wt");
    assert.equal(await readFile(join(live.workdir, "README.md"), "utf8"), "hello\n");
    const head = (await execFileAsync("git", ["-C", repo, "rev-parse", "main"])).stdout;
    assert.equal((await git("rev-parse", "HEAD")).stdout, head);
  });

  test("an agent from a plain directory works in a copy of it", async () => {
    const source = await rt.sb.gitRepo("plain-src");
    await execFileAsync("rm", ["-rf", join(source, ".git")]);
    const live = await createAgent(
      rt.h,
      rt.spec("copy", { workdir: { from: source, branch: "fleet/copy" } }),
      {
        fleet: null,
        secrets: {},
      },
    );
    assert.equal(await readFile(join(live.workdir!, "README.md"), "utf8"), "# test repo\n");
  });

  test("the launch is recorded as a created event", async () => {
    await createAgent(rt.h, rt.spec("evented"), { fleet: "team", secrets: {} });
    const events = await readEvents(rt.h, "evented");
    assert.equal(events[0]?.type, "created");
    assert.equal(events[0]?.fleet, "team");
  });
});
