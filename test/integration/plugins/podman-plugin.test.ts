/**
 * The example plugin end to end on a real podman: its tarball added with
 * `fleet plugin add`, then a fleet file with a `provider: podman` host applied:
 * the host is a container (capabilities dropped, its own hostname and pid 1), the
 * agent runs in tmux inside it and is listed RUNNING, `fleet exec` runs there,
 * a second plan finds nothing to do, and `fleet destroy` removes the container,
 * after which the plugin can be removed. Skipped, saying why, without podman or
 * its image (scripts/setup-test-env.sh installs both).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test as nodeTest } from "node:test";
import { promisify } from "node:util";
import {
  makeSandbox,
  repoRoot,
  waitFor,
  type RunResult,
  type Sandbox,
} from "../../helpers/sandbox.ts";
import { docBlocks } from "../../helpers/doc-blocks.ts";
import { blockKind } from "../docs/doc-kinds.ts";
import { examplePlugin, packPlugin } from "./plugin-fixture.ts";

const execFileAsync = promisify(execFile);
const image = process.env.FLEET_BASE_IMAGE ?? "fleet/base:bookworm";

async function podmanSkipReason(): Promise<string | false> {
  try {
    await execFileAsync("podman", ["--version"]);
  } catch {
    return "podman is not installed (apt-get install podman catatonit; scripts/setup-test-env.sh does it)";
  }
  try {
    // Idempotent: loads the base image into podman when it is not there yet.
    await execFileAsync("bash", [join(repoRoot, "scripts", "podman-base-image.sh")], {
      timeout: 180_000,
    });
  } catch (error) {
    const output = String((error as { stderr?: string }).stderr ?? error)
      .trim()
      .split("\n");
    return `podman cannot run the base image: ${output[output.length - 1] ?? ""}`;
  }
  return false;
}

const skip = await podmanSkipReason();
if (skip !== false) console.log(`# podman plugin tests skipped: ${skip}`);
const test = (name: string, fn: () => Promise<void>): void => {
  nodeTest(name, { skip }, fn);
};

type Json = Record<string, unknown>;
interface Inspect {
  State: { Running: boolean };
  Config: { Labels: Record<string, string> };
  HostConfig: { PidsLimit: number; Memory: number };
}
interface Listed {
  agents: Json[];
  errors: Json[];
}

const podman = async (args: string[]): Promise<string> =>
  (await execFileAsync("podman", args)).stdout;

describe("the podman plugin runs an agent", { timeout: 300_000 }, () => {
  let sb: Sandbox;
  let file: string;
  let container: string;

  const fleet = async (args: string[], expect = 0): Promise<RunResult> => {
    const result = await sb.fleet(args, { timeoutMs: 120_000 });
    assert.equal(
      result.code,
      expect,
      `fleet ${args.join(" ")}: ${result.stdout}\n${result.stderr}`,
    );
    return result;
  };

  before(async () => {
    if (skip !== false) return;
    sb = await makeSandbox("podman-plugin");
    container = `${sb.prefix}pod`;
    file = join(sb.dir, "fleet.yaml");
    // The fleet file docs/plugins.md shows, as it is.
    const shown = docBlocks().find((block) => blockKind(block) === "plugin-fleet-file");
    assert.ok(shown, "docs/plugins.md shows a podman fleet file");
    await writeFile(file, shown.body.replaceAll("fleet/base:bookworm", image));
  });
  after(async () => {
    if (skip !== false) return;
    await execFileAsync("podman", ["rm", "--force", "--volumes", container]).catch(() => undefined);
    await sb.cleanup();
  });

  test("add the packed plugin, apply, list, exec, plan again, destroy, remove", async () => {
    const tarball = await packPlugin(examplePlugin, join(sb.dir, "packed"));
    let started = Date.now();
    await fleet(["plugin", "add", tarball]);
    console.log(`# plugin add: ${Date.now() - started} ms`);

    started = Date.now();
    const applied = await fleet(["apply", "-f", file, "-y"]);
    console.log(`# apply (podman host + command agent): ${Date.now() - started} ms`);
    assert.match(applied.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);

    // The host is a real container, made the way the provider says.
    const [inspect] = JSON.parse(await podman(["inspect", container])) as Inspect[];
    assert.ok(inspect);
    assert.equal(inspect.State.Running, true);
    assert.equal(inspect.Config.Labels["dev.fleet.host"], "pod");
    assert.equal(inspect.Config.Labels["dev.fleet.fleet"], "podfleet");
    assert.equal(inspect.HostConfig.PidsLimit, 256);
    assert.equal(inspect.HostConfig.Memory, 512 * 1024 * 1024);

    started = Date.now();
    const listed = JSON.parse((await fleet(["list", "--format", "json"])).stdout) as Listed;
    console.log(`# list: ${Date.now() - started} ms`);
    assert.deepEqual(
      listed.agents.map((a) => [a.name, a.host, a.state]),
      [["watcher", "pod", "RUNNING"]],
    );
    assert.deepEqual(listed.errors, []);
    // Not on this machine's tmux: the agent's session is inside the container.
    const local = await sb.tmux(["list-sessions"]);
    assert.doesNotMatch(local.stdout, /watcher/);
    const sessions = await podman([
      "exec",
      container,
      "tmux",
      "list-sessions",
      "-F",
      "#{session_name}",
    ]);
    assert.match(sessions, new RegExp(`^${sb.prefix}watcher$`, "m"));

    const inside = await fleet([
      "exec",
      "watcher",
      "--",
      "sh",
      "-c",
      "hostname; grep CapEff /proc/self/status; tr '\\0' ' ' < /proc/1/cmdline",
    ]);
    const [hostname, caps, init] = inside.stdout.trim().split("\n");
    assert.equal(hostname, "pod");
    assert.match(caps ?? "", /^CapEff:\s+0+$/, "every capability is dropped");
    assert.match(init ?? "", /init.*sleep infinity/);

    await waitFor(async () => {
      const screen = await sb.fleet(["capture", "watcher"]);
      return screen.stdout.includes("watching from pod") ? true : undefined;
    });
    await fleet(["plan", "-f", file, "--detailed-exitcode"], 0);

    started = Date.now();
    await fleet(["destroy", "-f", file, "-y"]);
    console.log(`# destroy: ${Date.now() - started} ms`);
    const left = await podman([
      "ps",
      "-a",
      "--filter",
      `name=^${container}$`,
      "--format",
      "{{.Names}}",
    ]);
    assert.equal(left.trim(), "");
    assert.deepEqual(
      (JSON.parse((await fleet(["list", "--format", "json"])).stdout) as Listed).agents,
      [],
    );
    // Destroyed hosts are forgotten, so nothing holds the plugin any more.
    await fleet(["plugin", "remove", "fleet-provider-podman"]);
  });
});
