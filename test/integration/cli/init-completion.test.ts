import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
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
  let bashScript: string;
  let zshScript: string;
  const markers: string[] = [];
  let otherSocket: string;

  before(async () => {
    sb = await makeSandbox("completion");
    for (const name of ["completable", "resting"]) {
      const created = await sb.fleet(["create", name, "--command", "sleep 600", "--no-connect"]);
      assert.equal(created.code, 0, created.stderr);
    }
    const stopped = await sb.fleet(["stop", "resting"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    // Sessions no fleet command would make, named to run or expand something if evaluated.
    const hostile = [
      (m: string) => `$(touch ${m})`,
      (m: string) => `\`touch ${m}\``,
      (m: string) => `x;touch ${m}`,
    ];
    for (const [i, make] of hostile.entries()) {
      const marker = join(sb.dir, `pwned-${i}`);
      markers.push(marker);
      const made = await sb.tmux([
        "new-session",
        "-d",
        "-s",
        `${sb.prefix}${make(marker)}`,
        "sleep 600",
      ]);
      assert.equal(made.code, 0, made.stderr);
    }
    for (const odd of ["*", "quo'te\"d", "{a,b}"]) {
      await sb.tmux(["new-session", "-d", "-s", `${sb.prefix}${odd}`, "sleep 600"]);
    }
    // Another tmux server, as if completing inside someone's tmux: $TMUX names it.
    otherSocket = join(sb.dir, "other.sock");
    await execFileAsync(
      "tmux",
      ["-S", otherSocket, "new-session", "-d", "-s", `${sb.prefix}decoy`, "sleep 600"],
      { env: sb.env },
    );
    const listed = await sb.fleet(["list"]);
    assert.equal(listed.code, 0, listed.stderr);
    bashScript = (await sb.fleet(["completion", "bash"])).stdout;
    zshScript = (await sb.fleet(["completion", "zsh"])).stdout;
    await writeFile(join(sb.dir, "fleet.yaml"), "version: 1\nname: c\nagents: {}\n");
  });
  after(async () => {
    await execFileAsync("tmux", ["-S", otherSocket, "kill-server"]).catch(() => undefined);
    await sb.cleanup();
  });

  const insideOtherTmux = (): NodeJS.ProcessEnv => ({ ...sb.env, TMUX: `${otherSocket},1,0` });
  const quoted = (line: string[]): string => line.map((w) => `'${w}'`).join(" ");

  const bash = async (line: string[], env = sb.env): Promise<string[]> => {
    const { stdout } = await execFileAsync(
      "bash",
      [
        "-c",
        `${bashScript}\nCOMP_WORDS=(${quoted(line)}); COMP_CWORD=${line.length - 1}; _fleet; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { env, cwd: sb.dir },
    );
    return stdout.split("\n").filter(Boolean);
  };

  const zsh = async (line: string[], env = sb.env): Promise<string[]> => {
    // compadd and _files stand in for the completion system: they print what they are given.
    const { stdout } = await execFileAsync(
      "zsh",
      [
        "-f",
        "-c",
        `compdef() { : }\n${zshScript}\ncompadd() { [[ $1 == -- ]] && shift; printf '%s\\n' "$@"; }\n_files() { print FILES; }\nwords=(${quoted(line)}); CURRENT=${line.length}; _fleet`,
      ],
      { env, cwd: sb.dir },
    );
    return stdout.split("\n").filter(Boolean);
  };
  const zshSkip =
    existsSync("/usr/bin/zsh") || existsSync("/bin/zsh")
      ? false
      : "zsh is not installed (apt-get install zsh)";

  test("bash completes commands, flags and agent names", async () => {
    assert.deepEqual(await bash(["fleet", "conn"]), ["connect"]);
    assert.ok((await bash(["fleet", "con"])).includes("config"));
    assert.deepEqual(await bash(["fleet", "connect", "comp"]), ["completable"]);
    assert.ok((await bash(["fleet", "plan", "--deta"])).includes("--detailed-exitcode"));
    assert.ok((await bash(["fleet", "ls", "-"])).includes("--selector"));
  });

  test("bash offers stopped agents (from the names list keeps), for start", async () => {
    assert.deepEqual(await bash(["fleet", "start", "res"]), ["resting"]);
  });

  test("bash never runs or expands session names, and offers only fleet-shaped names", async () => {
    const offered = await bash(["fleet", "connect", ""]);
    assert.deepEqual(offered.sort(), ["completable", "resting"]);
    for (const marker of markers) assert.equal(existsSync(marker), false, `${marker} was created`);
  });

  test("bash reads fleet's own tmux server even inside another tmux ($TMUX set)", async () => {
    const offered = await bash(["fleet", "connect", ""], insideOtherTmux());
    assert.ok(offered.includes("completable"), offered.join(" "));
    assert.ok(!offered.includes("decoy"), offered.join(" "));
  });

  test("bash offers enum values and host names, not file names", async () => {
    assert.deepEqual(await bash(["fleet", "ls", "--state", ""]), [
      "running",
      "waiting",
      "stopped",
      "done",
      "missing",
    ]);
    assert.deepEqual(await bash(["fleet", "ls", "--format", "j"]), ["json", "jsonl"]);
    assert.deepEqual(await bash(["fleet", "--json", "ls", "--format", "t"]), ["table"]);
    assert.deepEqual(await bash(["fleet", "host", ""]).then((w) => w.includes("trust")), true);
    assert.deepEqual(await bash(["fleet", "host", "trust", ""]), ["local"]);
    assert.deepEqual(await bash(["fleet", "host", "rm", ""]), ["local"]);
    assert.deepEqual(await bash(["fleet", "host", "list", "--f"]), ["--format"]);
    assert.deepEqual(await bash(["fleet", "create", "x", "--host", ""]), ["local"]);
    assert.deepEqual(await bash(["fleet", "create", "x", "--agent", "c"]), [
      "command",
      "claude",
      "codex",
    ]);
    assert.deepEqual(await bash(["fleet", "completion", ""]), ["bash", "zsh"]);
    // fleet.yaml is in the directory: none of these may offer it.
    assert.deepEqual(await bash(["fleet", "ls", "--state", "f"]), []);
  });

  test(
    "zsh completes agents (stopped too) and never evaluates session names",
    { skip: zshSkip },
    async () => {
      assert.deepEqual((await zsh(["fleet", "connect", ""])).sort(), ["completable", "resting"]);
      assert.deepEqual((await zsh(["fleet", "connect", ""], insideOtherTmux())).sort(), [
        "completable",
        "resting",
      ]);
      for (const marker of markers)
        assert.equal(existsSync(marker), false, `${marker} was created`);
    },
  );

  test(
    "zsh offers commands, enum values, and files only for file options",
    { skip: zshSkip },
    async () => {
      assert.deepEqual(await zsh(["fleet", "conn"]), ["connect"]);
      assert.ok((await zsh(["fleet", "con"])).includes("config"));
      assert.deepEqual(await zsh(["fleet", "ls", "--state", "r"]), ["running"]);
      assert.deepEqual(await zsh(["fleet", "plan", "-f", ""]), ["FILES"]);
      assert.deepEqual(await zsh(["fleet", "host", "trust", ""]), ["local"]);
    },
  );

  test("fleet list rewrites the names file only when the names change", async () => {
    const names = join(sb.home, "cache", "agent-names");
    const before = await stat(names);
    assert.equal((await sb.fleet(["list"])).code, 0);
    assert.equal((await stat(names)).ino, before.ino, "rewritten although nothing changed");
    const created = await sb.fleet([
      "create",
      "newcomer",
      "--command",
      "sleep 600",
      "--no-connect",
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await sb.fleet(["list"])).code, 0);
    assert.deepEqual(await bash(["fleet", "start", "new"]), ["newcomer"]);
  });

  test("an unknown shell is a usage error", async () => {
    const result = await sb.fleet(["completion", "fish"]);
    assert.equal(result.code, 2);
  });
});
