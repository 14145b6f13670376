/**
 * `fleet config` with real files and real commands: the three scopes and their
 * precedence (flags > FLEET_PREFIX > local > project > user > defaults), the
 * gitignore of the local file, validation (nothing written on a bad value or a
 * bad edit), secrets kept out of what is printed, and the settings actually used
 * by `fleet create`, `fleet apply`, `fleet notify` and every command's prefix.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { makeSandbox, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";

const execFileAsync = promisify(execFile);

interface ListJson {
  settings: { key: string; value: unknown; source: string }[];
  files: { scope: string; path: string; exists: boolean }[];
}

describe("fleet config", () => {
  let sb: Sandbox;
  let project: string;
  let xdg: string;
  let hooks: WebhookReceiver;
  /** Runs fleet in the project, with the sandbox's XDG_CONFIG_HOME. */
  const fleet = async (
    args: string[],
    expect = 0,
    env: NodeJS.ProcessEnv = {},
    cwd = project,
  ): Promise<RunResult> => {
    const result = await sb.fleet(args, { cwd, env: { XDG_CONFIG_HOME: xdg, ...env } });
    assert.equal(
      result.code,
      expect,
      `fleet ${args.join(" ")}\n${result.stdout}\n${result.stderr}`,
    );
    return result;
  };
  const settings = async (args: string[] = []): Promise<Record<string, [unknown, string]>> => {
    const doc = JSON.parse((await fleet(["config", "list", "--json", ...args])).stdout) as ListJson;
    return Object.fromEntries(doc.settings.map((s) => [s.key, [s.value, s.source]]));
  };

  before(async () => {
    sb = await makeSandbox("config");
    project = await sb.gitRepo("project");
    await mkdir(join(project, "sub", "dir"), { recursive: true });
    xdg = join(sb.dir, "xdg");
    hooks = await startWebhookReceiver();
  });
  after(async () => {
    await hooks.close();
    await sb.cleanup();
  });

  test("with no file, every key shows its built-in default", async () => {
    const doc = JSON.parse((await fleet(["config", "list", "--json"])).stdout) as ListJson;
    assert.deepEqual(
      doc.settings.map((s) => `${s.key}=${JSON.stringify(s.value)}:${s.source}`),
      [
        'agent="command":default',
        'host="local":default',
        // The sandbox sets FLEET_PREFIX: the environment wins.
        `prefix=${JSON.stringify(sb.prefix)}:env`,
        "parallelism=8:default",
        'notify={"desktop":true}:default',
      ],
    );
    assert.deepEqual(
      doc.files.map((f) => [f.scope, f.path, f.exists]),
      [
        ["user", join(xdg, "fleet", "config.yaml"), false],
        ["project", join(project, ".fleet", "config.yaml"), false],
        ["local", join(project, ".fleet", "config.local.yaml"), false],
      ],
    );
    const table = await fleet(["config", "list"]);
    assert.match(table.stdout, /^KEY +VALUE +SOURCE$/m);
    assert.match(table.stdout, /^parallelism +8 +default$/m);
  });

  test("local beats project beats user, key by key; the project is found from a subdir", async () => {
    await fleet(["config", "set", "parallelism", "3"]);
    await fleet(["config", "set", "parallelism", "5", "--scope", "project"]);
    await fleet(["config", "set", "host", "nowhere-user"]);
    assert.deepEqual((await settings()).parallelism, [5, "project"]);
    assert.deepEqual((await settings()).host, ["nowhere-user", "user"]);
    await fleet(["config", "set", "parallelism", "6", "--scope", "local"]);
    assert.deepEqual((await settings()).parallelism, [6, "local"]);
    const fromSub = await fleet(
      ["config", "get", "parallelism"],
      0,
      {},
      join(project, "sub", "dir"),
    );
    assert.equal(fromSub.stdout.trim(), "6");
    // Outside the project only the user's file applies.
    const outside = await fleet(["config", "get", "parallelism", "--json"], 0, {}, sb.dir);
    assert.deepEqual(JSON.parse(outside.stdout), { key: "parallelism", value: 3, source: "user" });
    // One file's own keys, with --scope.
    assert.deepEqual(await settings(["--scope", "project"]), { parallelism: [5, "project"] });
    assert.equal((await fleet(["config", "get", "agent", "--scope", "project"], 1)).stdout, "");
    await fleet(["config", "unset", "parallelism", "--scope", "local"]);
    assert.deepEqual((await settings()).parallelism, [5, "project"]);
  });

  test("the local file is gitignored by a .fleet/.gitignore fleet writes; the project file is not", async () => {
    await fleet(["config", "set", "agent", "command", "--scope", "local"]);
    assert.match(
      await readFile(join(project, ".fleet", ".gitignore"), "utf8"),
      /^config\.local\.yaml$/m,
    );
    const { stdout } = await execFileAsync(
      "git",
      ["status", "--porcelain", "--untracked-files=all"],
      { cwd: project, env: sb.env },
    );
    assert.match(stdout, /\.fleet\/config\.yaml/);
    assert.match(stdout, /\.fleet\/\.gitignore/);
    assert.doesNotMatch(stdout, /config\.local\.yaml/);
    assert.equal((await stat(join(project, ".fleet", "config.local.yaml"))).mode & 0o077, 0);
    assert.equal((await stat(join(xdg, "fleet", "config.yaml"))).mode & 0o077, 0);
  });

  test("a bad key or value is a usage error, and the file is left as it was", async () => {
    const file = join(xdg, "fleet", "config.yaml");
    const before = await readFile(file, "utf8");
    for (const args of [
      ["config", "set", "paralelism", "4"],
      ["config", "set", "parallelism", "0"],
      ["config", "set", "parallelism", "many"],
      ["config", "set", "prefix", "bad:prefix"],
      ["config", "set", "agent", "claud"],
      ["config", "set", "notify.on", "waiting,sometimes"],
      ["config", "set", "agent", "command", "--scope", "everywhere"],
    ]) {
      const result = await fleet(args, 2);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^error: /m);
    }
    assert.match(
      (await fleet(["config", "set", "paralelism", "4"], 2)).stderr,
      /did you mean "parallelism"/,
    );
    assert.match(
      (await fleet(["config", "set", "agent", "claud"], 2)).stderr,
      /did you mean "claude"/,
    );
    assert.equal(await readFile(file, "utf8"), before);
  });

  test("a broken file is named by every command, and config edit can still fix it", async () => {
    const file = join(project, ".fleet", "config.yaml");
    const good = await readFile(file, "utf8");
    await writeFile(file, "parallelism: 5\nparalelism: 2\n");
    const broken = await fleet(["ls"], 1);
    assert.match(
      broken.stderr,
      new RegExp(`${file.replace(/[.]/g, "\\.")}: unknown key "paralelism"`),
    );
    assert.match(broken.stderr, /fleet config edit/);
    // The editor is a script: it writes a fixed file.
    const editor = join(sb.dir, "fix-editor.sh");
    await writeFile(editor, `#!/bin/sh\nprintf 'parallelism: 2\\n' > "$1"\n`, { mode: 0o755 });
    const edited = await fleet(["config", "edit", "--scope", "project"], 0, {
      EDITOR: editor,
      VISUAL: "",
    });
    assert.match(edited.stderr, /Saved/);
    assert.equal(await readFile(file, "utf8"), "parallelism: 2\n");
    await fleet(["ls"]);
    await writeFile(file, good);
  });

  test("config edit keeps the file when the edit is invalid, and says where the edit is", async () => {
    const file = join(xdg, "fleet", "config.yaml");
    const before = await readFile(file, "utf8");
    const editor = join(sb.dir, "bad-editor.sh");
    await writeFile(editor, `#!/bin/sh\nprintf 'parallelism: -1\\n' > "$1"\n`, { mode: 0o755 });
    const result = await fleet(["config", "edit"], 1, { VISUAL: `sh ${editor}` });
    assert.match(result.stderr, /parallelism.*was not changed/);
    const kept = /your edit is kept in (\S+config\.yaml)/.exec(result.stderr)?.[1];
    assert.ok(kept, result.stderr);
    assert.match(await readFile(kept, "utf8"), /parallelism: -1/);
    assert.equal(await readFile(file, "utf8"), before);
    // An editor that fails changes nothing either.
    await fleet(["config", "edit"], 1, { VISUAL: "false" });
    assert.equal(await readFile(file, "utf8"), before);
  });

  test("a webhook URL is never printed whole: its path is its secret", async () => {
    const url = `${hooks.base}/T000/very-secret-token`;
    await fleet(["config", "set", "notify", `{webhooks: [{url: "${url}", format: ntfy}]}`]);
    for (const args of [
      ["config", "list"],
      ["config", "list", "--json"],
      ["config", "get", "notify"],
      ["config", "get", "notify.webhooks", "--json"],
    ]) {
      const result = await fleet(args);
      assert.ok(!result.stdout.includes("very-secret-token"), result.stdout);
      assert.match(result.stdout, /127\.0\.0\.1:\d+\/…/);
    }
  });

  test("fleet notify without a fleet file sends to the configured targets", async () => {
    const before = hooks.to("/T000/very-secret-token").length;
    const result = await fleet(["notify", "--test"], 0, {}, sb.dir);
    assert.ok(!result.stdout.includes("very-secret-token"));
    assert.equal(hooks.to("/T000/very-secret-token").length, before + 1);
    await fleet(["config", "unset", "notify"]);
  });

  test("fleet create uses the configured host and agent type; flags win over them", async () => {
    // The user's host is unknown: a create without --host fails naming it.
    const noHost = await fleet(["create", "c1", "--no-connect", "--command", "sleep 600"], 1);
    assert.match(noHost.stderr, /nowhere-user/);
    await fleet(["create", "c1", "--no-connect", "--host", "local", "--command", "sleep 600"]);
    await fleet(["config", "unset", "host"]);
    // The agent type: codex, whose CLI is not on this PATH, so nothing is started.
    await fleet(["config", "set", "agent", "codex", "--scope", "local"]);
    await fleet(["create", "c2", "--no-connect"], 1, { PATH: "/usr/bin:/bin" });
    const listed = JSON.parse((await fleet(["ls", "--json"])).stdout) as {
      agents: { name: string; type: string }[];
    };
    const types = Object.fromEntries(listed.agents.map((a) => [a.name, a.type]));
    assert.equal(types.c1, "command");
    assert.equal(types.c2, "codex");
    await fleet(["destroy", "c2", "-y"]);
    // --agent wins over the configured type.
    await fleet(["create", "c3", "--no-connect", "--agent", "command", "--command", "sleep 600"]);
    await fleet(["config", "unset", "agent", "--scope", "local"]);
  });

  test("the configured prefix names what fleet makes; FLEET_PREFIX still wins", async () => {
    const configured = `c${sb.prefix}`;
    await fleet(["config", "set", "prefix", configured, "--scope", "project"]);
    const withoutEnv: NodeJS.ProcessEnv = { ...sb.env, XDG_CONFIG_HOME: xdg };
    delete withoutEnv.FLEET_PREFIX;
    const run = (args: string[]) =>
      execFileAsync(
        process.execPath,
        [join(import.meta.dirname, "../../../bin/fleet.js"), ...args],
        {
          cwd: project,
          env: withoutEnv,
        },
      );
    await run(["create", "p1", "--no-connect", "--command", "sleep 600"]);
    const sessions = (await sb.tmux(["list-sessions", "-F", "#{session_name}"])).stdout.split("\n");
    assert.ok(sessions.includes(`${configured}p1`), sessions.join(","));
    // With FLEET_PREFIX set (the sandbox's), fleet looks for fleet-made sessions under that
    // prefix: p1's record is there, its session is not.
    const state = (doc: string) =>
      (JSON.parse(doc) as { agents: { name: string; state: string }[] }).agents.find(
        (a) => a.name === "p1",
      )?.state;
    assert.equal(state((await fleet(["ls", "--json"])).stdout), "MISSING");
    assert.equal(state((await run(["ls", "--json"])).stdout), "RUNNING");
    await run(["destroy", "p1", "-y"]);
    await fleet(["config", "unset", "prefix", "--scope", "project"]);
  });

  test("fleet apply runs the configured parallelism unless --parallelism is given", async () => {
    const file = join(project, "fleet.yaml");
    await writeFile(file, "version: 1\nname: cfg\nagents:\n  w1: { command: sleep 600 }\n");
    const applied = await fleet(["apply", "-f", file, "-y", "--debug"]);
    assert.match(applied.stderr, /parallelism 5 \(fleet config\)/);
    const flagged = await fleet(["apply", "-f", file, "-y", "--debug", "--parallelism", "1"]);
    assert.doesNotMatch(flagged.stderr, /fleet config/);
    await fleet(["destroy", "-f", file, "-y"]);
  });
});
