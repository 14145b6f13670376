/**
 * fleet's Node.js language host (bin/pulumi-language-nodejs) under the real pulumi
 * CLI: a project with `runtime: nodejs` and no provider plugins, only config and
 * stack outputs, on a file backend in a temp dir, with a temp PULUMI_HOME. The CLI
 * finds the host on PATH (an ambient plugin); preview, up, stack output, refresh,
 * stack export and destroy work; a program's error fails the update with the
 * program's message; a TypeScript program runs through Node's type stripping; a
 * link in PULUMI_HOME's plugin cache works as well as PATH.
 *
 * Offline: as root, each pulumi command runs in a network namespace of its own
 * with only loopback (`unshare -n`), where the CLI, the host and the program talk
 * gRPC on 127.0.0.1; otherwise the update check and plugin downloads are turned
 * off by their variables.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { netnsSkipReason } from "../../helpers/loopback-netns.ts";
import { procEnviron } from "../../helpers/proc-env.ts";
import { findPulumiBin } from "../../../src/engines/pulumi/pulumi-binary.ts";
import { repoRoot, type RunResult } from "../../helpers/sandbox.ts";
import { pulumiSkip } from "./pulumi-env.ts";

const HOST = join(repoRoot, "bin", "pulumi-language-nodejs");
const skip =
  pulumiSkip("pulumi-language-nodejs") ||
  (existsSync(HOST) ? undefined : `${HOST} is missing from this checkout`);
const pulumiDir = () => findPulumiBin();
/** As root, commands run with only loopback; the reason they do not otherwise. */
const offline = netnsSkipReason() === undefined;

const ESM_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const config = new pulumi.Config();
if (config.getBoolean("fail")) throw new Error("boom from the program");
console.log("program says hi");
export const greeting = \`hello \${config.require("name")}\`;
export const tokenLength = config.requireSecret("token").apply((token) => token.length);
export const dryRun = pulumi.runtime.isDryRun();
`;

const TS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
interface Shape {
  sides: number;
}
const square: Shape = { sides: 4 };
const factor: number = Number(new pulumi.Config().get("factor") ?? "1");
export const sides: number = square.sides * factor;
`;

interface Project {
  dir: string;
  /** Runs `pulumi ARGS` in the project, with this test's environment. */
  pulumi(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
}

describe(
  "fleet's pulumi-language-nodejs under the real pulumi CLI",
  { skip: skip ?? false },
  () => {
    let root: string;
    let home: string;
    let baseEnv: NodeJS.ProcessEnv;

    before(async () => {
      root = await mkdtemp(join(tmpdir(), "fleet-test-language-host-"));
      home = join(root, "pulumi-home");
      await mkdir(home);
      await mkdir(join(root, "state"));
      // None of the caller's PULUMI_* settings (a backend, a token, a home) leak in.
      baseEnv = {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_")),
        ),
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: "test passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "1",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: [join(repoRoot, "bin"), pulumiDir(), process.env.PATH ?? ""].join(":"),
      };
      const login = await run(root, ["login", `file://${join(root, "state")}`]);
      assert.equal(login.code, 0, login.stderr);
    });
    after(async () => {
      if (root !== undefined) await rm(root, { recursive: true, force: true });
    });

    /** pulumi, inside a loopback-only network namespace when this is root. */
    function run(
      cwd: string,
      args: string[],
      extraEnv: NodeJS.ProcessEnv = {},
    ): Promise<RunResult> {
      const argv = [...args, "--color=never", "--non-interactive"];
      const [command, commandArgs] = offline
        ? [
            "unshare",
            ["-n", "sh", "-c", 'ip link set lo up && exec pulumi "$@"', "pulumi", ...argv],
          ]
        : ["pulumi", argv];
      return new Promise((resolve, reject) => {
        const child = spawn(command, commandArgs, {
          cwd,
          env: { ...baseEnv, ...extraEnv },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => {
          stderr += "\n[test] killed: pulumi still running after 120 s\n";
          child.kill("SIGKILL");
        }, 120_000);
        child.on("error", reject);
        child.on("close", (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? 124, stdout, stderr });
        });
      });
    }

    async function makeProject(name: string, files: Record<string, string>): Promise<Project> {
      const dir = join(root, name);
      await mkdir(join(dir, "node_modules"), { recursive: true });
      // The program imports @pulumi/pulumi: fleet's own, as an installed dependency.
      await symlink(
        join(repoRoot, "node_modules", "@pulumi"),
        join(dir, "node_modules", "@pulumi"),
      );
      for (const [file, content] of Object.entries(files))
        await writeFile(join(dir, file), content);
      return { dir, pulumi: (args, extraEnv) => run(dir, args, extraEnv) };
    }

    const ok = (result: RunResult, what: string): void =>
      assert.equal(result.code, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);

    let esm: Project;

    test("preview and up run an ES module program: config, a secret, stack outputs", async () => {
      esm = await makeProject("esm", {
        "Pulumi.yaml": "name: lh-esm\nruntime: nodejs\nmain: index.mjs\n",
        "package.json": JSON.stringify({ name: "lh-esm", type: "module" }),
        "index.mjs": ESM_PROGRAM,
      });
      ok(await esm.pulumi(["stack", "init", "dev"]), "stack init");
      ok(await esm.pulumi(["config", "set", "name", "world"]), "config set");
      ok(await esm.pulumi(["config", "set", "--secret", "token", "s3cr3t"]), "config set --secret");

      const preview = await esm.pulumi(["preview"]);
      ok(preview, "preview");
      // The CLI says it took the host from PATH: this one, not one of its own.
      assert.ok(
        preview.stdout.includes(`using pulumi-language-nodejs from $PATH at ${HOST}`),
        preview.stdout,
      );
      assert.match(preview.stdout, /program says hi/);
      assert.match(preview.stdout, /greeting\s*: "hello world"/);
      assert.match(preview.stdout, /\+ 1 to create/);

      const up = await esm.pulumi(["up", "--yes"]);
      ok(up, "up");
      assert.match(up.stdout, /\+ 1 created/);

      const shown = await esm.pulumi(["stack", "output", "--json", "--show-secrets"]);
      ok(shown, "stack output");
      assert.deepEqual(JSON.parse(shown.stdout), {
        greeting: "hello world",
        tokenLength: 6,
        dryRun: false,
      });
      const hidden = await esm.pulumi(["stack", "output", "--json"]);
      assert.equal((JSON.parse(hidden.stdout) as Record<string, unknown>).tokenLength, "[secret]");
    });

    test("a program's error fails preview and up with the program's message", async () => {
      ok(await esm.pulumi(["config", "set", "fail", "true"]), "config set");
      for (const args of [["preview"], ["up", "--yes"]]) {
        const failed = await esm.pulumi(args);
        const output = failed.stdout + failed.stderr;
        assert.notEqual(failed.code, 0, `${args.join(" ")} succeeded:\n${output}`);
        assert.match(output, /Error: boom from the program/);
        assert.match(output, /failed with an unhandled exception/);
      }
      ok(await esm.pulumi(["config", "rm", "fail"]), "config rm");
      // The failed update left the stack's outputs as they were.
      const shown = await esm.pulumi(["stack", "output", "greeting"]);
      assert.equal(shown.stdout.trim(), "hello world");
    });

    test("refresh, stack export and destroy", async () => {
      ok(await esm.pulumi(["refresh", "--yes"]), "refresh");
      const exported = await esm.pulumi(["stack", "export"]);
      ok(exported, "stack export");
      const resources = deploymentResources(exported.stdout);
      const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
      assert.ok(stack, `no Stack resource in ${exported.stdout}`);
      assert.equal(stack.outputs?.greeting, "hello world");

      const destroyed = await esm.pulumi(["destroy", "--yes"]);
      ok(destroyed, "destroy");
      assert.match(destroyed.stdout, /- 1 deleted/);
      const after = await esm.pulumi(["stack", "export"]);
      ok(after, "stack export");
      assert.deepEqual(deploymentResources(after.stdout), []);
    });

    test("a TypeScript program runs through Node's type stripping", async () => {
      const ts = await makeProject("ts", {
        "Pulumi.yaml": "name: lh-ts\nruntime: nodejs\nmain: index.ts\n",
        "package.json": JSON.stringify({ name: "lh-ts", type: "module" }),
        "index.ts": TS_PROGRAM,
      });
      ok(await ts.pulumi(["stack", "init", "dev"]), "stack init");
      ok(await ts.pulumi(["config", "set", "factor", "3"]), "config set");
      ok(await ts.pulumi(["up", "--yes"]), "up");
      const shown = await ts.pulumi(["stack", "output", "--json"]);
      assert.deepEqual(JSON.parse(shown.stdout), { sides: 12 });
      ok(await ts.pulumi(["destroy", "--yes"]), "destroy");
    });

    test("a link in PULUMI_HOME's plugin cache works as well as PATH, without the warning", async () => {
      const pluginDir = join(home, "plugins", "language-nodejs-v3.276.0");
      await mkdir(pluginDir, { recursive: true });
      await symlink(HOST, join(pluginDir, "pulumi-language-nodejs"));
      const project = await makeProject("cached", {
        "Pulumi.yaml": "name: lh-cached\nruntime: nodejs\nmain: index.mjs\n",
        "package.json": JSON.stringify({ name: "lh-cached", type: "module" }),
        "index.mjs": 'export const where = "plugin cache";\n',
      });
      // PATH without fleet's bin/: the CLI must take the host from its plugin cache.
      const path = [pulumiDir(), process.env.PATH ?? ""].join(":");
      ok(await project.pulumi(["stack", "init", "dev"], { PATH: path }), "stack init");
      const preview = await project.pulumi(["preview"], { PATH: path });
      ok(preview, "preview");
      assert.match(preview.stdout, /where\s*: "plugin cache"/);
      assert.doesNotMatch(preview.stdout, /from \$PATH/);
    });

    test("no language host of this test is left running", () => {
      const left = hostProcesses().filter((pid) => {
        try {
          return procEnviron(pid).get("PULUMI_HOME") === home;
        } catch {
          return false; // exited meanwhile
        }
      });
      assert.deepEqual(left, []);
    });
  },
);

interface ExportedResource {
  type: string;
  outputs?: Record<string, unknown>;
}

function deploymentResources(exported: string): ExportedResource[] {
  const parsed = JSON.parse(exported) as { deployment?: { resources?: ExportedResource[] } };
  return parsed.deployment?.resources ?? [];
}

/** Pids whose command line runs the language host's entry point. */
function hostProcesses(): number[] {
  const entry = join("language-host", "main.ts");
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, "utf8").includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
}
