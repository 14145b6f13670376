/**
 * Local secrets stay with their agent: whatever environment the fleet command
 * that starts the tmux server had, neither that server nor a later agent gets
 * it; an agent's environment is the base, its spec and FLEET_*. And everything
 * fleet leaves under FLEET_HOME is 0700/0600.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BASE_ENV_NAMES } from "../../../src/core/host/agent-env.ts";
import { procEnviron, processTree, wrongModes } from "../../helpers/proc-env.ts";
import { makeSandbox, waitFor, type Sandbox } from "../../helpers/sandbox.ts";

const LEAKED = "leaked-from-the-first-fleet-command-7f3a";
const FIRST_SECRET = "first-agents-own-secret-91c2";
/** Variables a shell sets for itself; not inherited from anywhere. */
const SHELL_OWN = ["PWD", "OLDPWD", "SHLVL", "_"];

function allowedNames(spec: string[]): (name: string) => boolean {
  const allowed = new Set<string>([...BASE_ENV_NAMES, ...SHELL_OWN, ...spec]);
  return (name) => allowed.has(name) || name.startsWith("FLEET_");
}

async function panePid(sb: Sandbox, agent: string): Promise<number> {
  const shown = await sb.tmux([
    "display",
    "-p",
    "-t",
    `=${sb.prefix}${agent}:agent`,
    "#{pane_pid}",
  ]);
  assert.equal(shown.code, 0, shown.stderr);
  return Number(shown.stdout.trim());
}

/** The agent's processes once its command runs (the launcher has started over clean). */
async function agentProcesses(sb: Sandbox, agent: string): Promise<number[]> {
  const root = await panePid(sb, agent);
  return waitFor(() => {
    const tree = processTree(root);
    const sleeping = tree.some((pid) => {
      try {
        return procEnviron(pid).has("FLEET_AGENT");
      } catch {
        return false;
      }
    });
    return Promise.resolve(sleeping ? tree : undefined);
  });
}

function environValues(pid: number): string {
  return [...procEnviron(pid).values()].join("\n");
}

describe("a local agent's environment", () => {
  let sb: Sandbox;

  before(async () => {
    sb = await makeSandbox("local-env");
    // The first fleet command starts the tmux server, with a secret of its caller around.
    const first = await sb.fleet(
      ["create", "first", "--no-connect", "--command", "sleep 600", "--secret", "FIRST_SECRET"],
      { env: { LEAKY_TOKEN: LEAKED, FIRST_SECRET } },
    );
    assert.equal(first.code, 0, first.stderr);
    const second = await sb.fleet(
      ["create", "second", "--no-connect", "--command", "sleep 600", "-e", "GREETING=hello"],
      { env: { LEAKY_TOKEN: LEAKED } },
    );
    assert.equal(second.code, 0, second.stderr);
  });
  after(async () => {
    await sb.fleet(["destroy", "first", "second", "--yes"]).catch(() => undefined);
    await sb.cleanup();
  });

  test("the tmux server fleet started has none of its caller's variables", async () => {
    const shown = await sb.tmux(["display", "-p", "#{pid}"]);
    const server = Number(shown.stdout.trim());
    assert.ok(server > 0, shown.stderr);
    const env = procEnviron(server);
    assert.ok(!environValues(server).includes(LEAKED), "the caller's secret is in the server");
    assert.ok(!environValues(server).includes(FIRST_SECRET));
    const extra = [...env.keys()].filter(
      (name) => !allowedNames(["TMUX_TMPDIR", "LC_ALL", "LC_CTYPE"])(name),
    );
    assert.deepEqual(extra, [], `the server's environment has more than the base`);
  });

  test("an agent without secrets has only the base, its env and FLEET_*", async () => {
    const pids = await agentProcesses(sb, "second");
    for (const pid of pids) {
      const env = procEnviron(pid);
      assert.ok(!environValues(pid).includes(LEAKED), `pid ${pid} has the caller's secret`);
      assert.ok(!environValues(pid).includes(FIRST_SECRET), `pid ${pid} has another's secret`);
      const extra = [...env.keys()].filter((name) => !allowedNames(["GREETING"])(name));
      assert.deepEqual(extra, [], `pid ${pid} has more than base + spec + FLEET_*`);
    }
    const agent = pids.map(procEnviron).find((env) => env.has("FLEET_AGENT"));
    assert.equal(agent?.get("GREETING"), "hello");
    assert.equal(agent?.get("FLEET_AGENT"), "second");
    assert.ok(agent?.has("PATH") && agent.has("HOME"), "the base is there");
  });

  test("an agent with a secret has it, and nothing else of its creator's environment", async () => {
    const pids = await agentProcesses(sb, "first");
    const withSecret = pids.filter((pid) => procEnviron(pid).get("FIRST_SECRET") === FIRST_SECRET);
    assert.ok(withSecret.length > 0, "the agent's own secret reached it");
    for (const pid of pids) {
      assert.ok(!environValues(pid).includes(LEAKED), `pid ${pid} has the caller's secret`);
      const extra = [...procEnviron(pid).keys()].filter(
        (name) => !allowedNames(["FIRST_SECRET"])(name),
      );
      assert.deepEqual(extra, []);
    }
  });

  test("fleet exec runs with the agent's env, not the caller's", async () => {
    const result = await sb.fleet(["exec", "second", "--", "env"], {
      env: { LEAKY_TOKEN: LEAKED },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stdout.includes(LEAKED));
    assert.match(result.stdout, /^GREETING=hello$/m);
    assert.match(result.stdout, /^FLEET_AGENT=second$/m);
    const names = result.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(0, line.indexOf("=")));
    assert.deepEqual(
      names.filter((name) => !allowedNames(["GREETING"])(name)),
      [],
    );
  });
});

describe("an agent on a tmux server someone else started", () => {
  let sb: Sandbox;

  before(async () => {
    sb = await makeSandbox("local-env-user-server");
    // The user's own server, started with a secret in its environment.
    const started = await sb.tmux(["new-session", "-d", "-s", "mine", "sleep 600"]);
    assert.equal(started.code, 0, started.stderr);
  });
  after(async () => {
    await sb.fleet(["destroy", "agent", "--yes"]).catch(() => undefined);
    await sb.cleanup();
  });

  test("does not inherit that server's environment", async () => {
    const userServer = await sb.tmux(["display", "-p", "#{pid}"]);
    assert.equal(userServer.code, 0, userServer.stderr);
    // sb.tmux runs with the sandbox env: give the server a secret the way a user's shell would.
    const setenv = await sb.tmux(["set-environment", "-g", "LEAKY_TOKEN", LEAKED]);
    assert.equal(setenv.code, 0, setenv.stderr);
    const made = await sb.fleet(["create", "agent", "--no-connect", "--command", "sleep 600"]);
    assert.equal(made.code, 0, made.stderr);
    for (const pid of await agentProcesses(sb, "agent")) {
      assert.ok(!environValues(pid).includes(LEAKED), `pid ${pid} has the server's variable`);
      const extra = [...procEnviron(pid).keys()].filter((name) => !allowedNames([])(name));
      assert.deepEqual(extra, []);
    }
  });
});

describe("file modes under FLEET_HOME", () => {
  let sb: Sandbox;
  const skipWork = (path: string): boolean => path.endsWith("/work");

  before(async () => {
    sb = await makeSandbox("local-modes");
    // A permissive umask is what fleet must not rely on.
    process.umask(0o022);
  });
  after(async () => {
    await sb.cleanup();
  });

  const expectPrivate = (when: string): void => {
    assert.deepEqual(wrongModes(sb.home, skipWork), [], `modes after ${when}`);
  };

  test("are 0700 for dirs and 0600 for files after create, message, stop and destroy", async () => {
    const source = join(sb.dir, "plain-source");
    await mkdir(source, { recursive: true });
    await writeFile(join(source, "notes.txt"), "work to keep\n");
    const repo = await sb.gitRepo("repo");

    const plain = await sb.fleet([
      "create",
      "plain",
      "--no-connect",
      "--command",
      "cat",
      "--workdir",
      source,
    ]);
    assert.equal(plain.code, 0, plain.stderr);
    const git = await sb.fleet(
      ["create", "git", "--no-connect", "--command", "cat", "--workdir", repo],
      { cwd: repo },
    );
    assert.equal(git.code, 0, git.stderr);
    expectPrivate("create");

    const message = await sb.fleet(["message", "plain", "hello there"]);
    assert.equal(message.code, 0, message.stderr);
    await waitFor(async () => (await sb.fleet(["transcript", "plain"])).stdout.includes("hello"));
    expectPrivate("message");

    const stop = await sb.fleet(["stop", "plain", "git"]);
    assert.equal(stop.code, 0, stop.stderr);
    expectPrivate("stop");

    const destroy = await sb.fleet(["destroy", "plain", "git", "--yes"]);
    assert.equal(destroy.code, 0, destroy.stderr);
    assert.match(destroy.stdout + destroy.stderr, /saved/i);
    expectPrivate("destroy (saved work)");
  });
});
