/**
 * `fleet doctor` on a machine made to lack things: PATH is a directory of
 * symlinks to only some programs, and DOCKER_HOST points at a socket that does
 * not exist. It must name what is missing, and exit non-zero only when the
 * fleet file needs it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../../helpers/sandbox.ts";
import { dockerSkipReason } from "../docker-engine/docker-test-env.ts";

interface Check {
  name: string;
  status: string;
  required: boolean;
  version?: string;
  path?: string;
  neededBy: string[];
  hint?: string;
  detail?: string;
}
interface Report {
  ok: boolean;
  fleetFile: string | null;
  checks: Check[];
}

const which = (name: string): string =>
  execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();

describe("fleet doctor", () => {
  let sb: Sandbox;
  let bareDir: string;
  let bare: NodeJS.ProcessEnv;
  let noTmux: NodeJS.ProcessEnv;
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(sb.dir, name);
    await writeFile(path, text);
    return path;
  };
  const doctor = async (args: string[], env: NodeJS.ProcessEnv, cwd?: string) => {
    const result = await sb.fleet(["doctor", ...args], { env, ...(cwd ? { cwd } : {}) });
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };
  const check = (report: Report, name: string): Check => {
    const found = report.checks.find((c) => c.name === name);
    assert.ok(found, `no check named ${name}`);
    return found;
  };

  before(async () => {
    sb = await makeSandbox("doctor");
    // A PATH with tmux, git and flock only: no docker, no ssh, no agent CLIs.
    bareDir = join(sb.dir, "bare-bin");
    await mkdir(bareDir);
    for (const name of ["tmux", "git", "flock"]) await symlink(which(name), join(bareDir, name));
    const noDocker = `unix://${join(sb.dir, "no-docker.sock")}`;
    bare = { PATH: bareDir, DOCKER_HOST: noDocker };
    const noTmuxDir = join(sb.dir, "no-tmux-bin");
    await mkdir(noTmuxDir);
    await symlink(which("git"), join(noTmuxDir, "git"));
    noTmux = { PATH: noTmuxDir, DOCKER_HOST: noDocker };
  });
  after(() => sb.cleanup());

  test("without a fleet file: missing Docker, ssh and agent CLIs are information, exit 0", async () => {
    const { code, report } = await doctor(["--json"], bare);
    assert.equal(code, 0, JSON.stringify(report, null, 2));
    assert.equal(report.ok, true);
    assert.equal(report.fleetFile, null);
    const engine = check(report, "docker engine");
    assert.equal(engine.status, "info");
    assert.equal(engine.required, false);
    assert.match(engine.path ?? "", /no-docker\.sock$/);
    for (const name of ["ssh", "claude", "codex", "opencode"]) {
      assert.equal(check(report, name).status, "info", name);
    }
    const node = check(report, "node");
    assert.equal(node.version, process.version);
    assert.equal(node.path, process.execPath);
    assert.equal(check(report, "tmux").status, "ok");
    assert.match(check(report, "tmux").version ?? "", /^tmux \d/);
    assert.match(check(report, "git").version ?? "", /^git version/);
    assert.equal(check(report, "pulumi").status, "info");
  });

  test("the Pulumi CLI is information: where --engine pulumi finds it, or how to build it", async () => {
    const empty = join(sb.dir, "bare-bin");
    const missing = await doctor(["--json"], { ...bare, FLEET_PULUMI_BIN: empty });
    assert.equal(missing.code, 0);
    const absent = check(missing.report, "pulumi");
    assert.equal(absent.status, "info");
    assert.equal(absent.path, undefined);
    assert.match(
      absent.detail ?? "",
      /not found; only --engine pulumi needs it \(bash scripts\/build-pulumi\.sh/,
    );
    const pulumiDir = join(sb.dir, "pulumi-bin");
    await mkdir(pulumiDir);
    const fake = join(pulumiDir, "pulumi");
    await writeFile(fake, "#!/bin/sh\necho v3.276.0\n", { mode: 0o755 });
    const present = check(
      (await doctor(["--json"], { ...bare, FLEET_PULUMI_BIN: pulumiDir })).report,
      "pulumi",
    );
    assert.equal(present.path, fake);
    assert.equal(present.version, "v3.276.0");
    assert.match(present.detail ?? "", /--engine pulumi can run/);
  });

  test("without a fleet file, a missing tmux is fatal and named with a hint", async () => {
    const result = await sb.fleet(["doctor"], { env: noTmux });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /MISSING\s+tmux/);
    assert.match(result.stdout, /hint: install tmux/);
    assert.match(result.stdout, /Missing what is needed: tmux\./);
  });

  test("a fleet file of local command agents needs no Docker: exit 0", async () => {
    const path = await file(
      "local.yaml",
      "version: 1\nname: loc\nagents:\n  a: { command: 'sleep 1' }\n",
    );
    const { code, report } = await doctor(["-f", path, "--json"], bare);
    assert.equal(code, 0, JSON.stringify(report));
    assert.equal(report.fleetFile, path);
    assert.equal(check(report, "docker engine").required, false);
    assert.deepEqual(check(report, "tmux").neededBy, ["agent a (on local)"]);
  });

  test("a fleet file with a docker host: the missing engine is named, with a hint, exit 1", async () => {
    const path = await file(
      "docker.yaml",
      "version: 1\nname: dock\nhosts:\n  sandbox: { provider: docker, image: fleet/base:bookworm }\nagents:\n  a: { command: 'sleep 1', host: sandbox }\n",
    );
    const json = await doctor(["-f", path, "--json"], bare);
    assert.equal(json.code, 1);
    const engine = check(json.report, "docker engine");
    assert.equal(engine.status, "missing");
    assert.deepEqual(engine.neededBy, ["host sandbox (docker)"]);
    assert.match(engine.hint ?? "", /dockerd|DOCKER_HOST/);
    assert.equal(check(json.report, "image fleet/base:bookworm").status, "missing");
    const text = await sb.fleet(["doctor", "-f", path], { env: bare });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /MISSING\s+docker engine/);
    assert.match(text.stdout, /needed by host sandbox \(docker\)/);
  });

  test("./fleet.yaml is used without -f: an ssh host there needs OpenSSH", async () => {
    const dir = join(sb.dir, "ssh-project");
    await mkdir(dir);
    await writeFile(
      join(dir, "fleet.yaml"),
      "version: 1\nname: remote\nhosts:\n  box: { provider: ssh, address: dev@127.0.0.1 }\nagents:\n  a: { command: 'sleep 1', host: box }\n",
    );
    const { code, report } = await doctor(["--json"], bare, dir);
    assert.equal(code, 1);
    assert.equal(report.fleetFile, join(dir, "fleet.yaml"));
    assert.equal(check(report, "ssh").status, "missing");
    assert.match(check(report, "ssh").hint ?? "", /openssh-client/);
    // Nothing runs locally, so tmux is not needed by this file.
    assert.equal(check(report, "tmux").required, false);
  });

  test("a claude agent here needs claude on PATH; with it, its version is reported", async () => {
    const path = await file(
      "claude.yaml",
      "version: 1\nname: cl\nagents:\n  rev: { agent: claude }\n",
    );
    const missing = await doctor(["-f", path, "--json"], bare);
    assert.equal(missing.code, 1);
    assert.equal(check(missing.report, "claude").status, "missing");
    assert.deepEqual(check(missing.report, "claude").neededBy, ["agent rev (claude)"]);

    const withClaude = join(sb.dir, "claude-bin");
    await mkdir(withClaude);
    const fake = join(withClaude, "claude");
    await writeFile(fake, "#!/bin/sh\necho '9.9.9 (Claude Code)'\n");
    await chmod(fake, 0o755);
    const found = await doctor(["-f", path, "--json"], {
      ...bare,
      PATH: `${bareDir}:${withClaude}`,
    });
    assert.equal(found.code, 0, JSON.stringify(found.report));
    assert.equal(check(found.report, "claude").version, "9.9.9 (Claude Code)");
    assert.equal(check(found.report, "claude").path, fake);
  });

  test("with the engine running and the base image present, docker checks pass", async (t) => {
    const skip = await dockerSkipReason();
    if (skip) {
      t.skip(skip);
      return;
    }
    const path = await file(
      "docker-ok.yaml",
      "version: 1\nname: dock\nhosts:\n  sandbox: { provider: docker, image: fleet/base:bookworm }\nagents:\n  a: { command: 'sleep 1', host: sandbox }\n",
    );
    const { code, report } = await doctor(["-f", path, "--json"], {});
    assert.equal(code, 0, JSON.stringify(report));
    assert.equal(check(report, "docker engine").status, "ok");
    assert.match(check(report, "docker engine").version ?? "", /^\d+\./);
    assert.equal(check(report, "image fleet/base:bookworm").status, "ok");
  });
});
