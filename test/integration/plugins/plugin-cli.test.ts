/**
 * `fleet plugin add|list|remove` with real npm, real tarballs from `npm pack` and
 * the built CLI: the example plugin installs from its tarball; a wrong contract
 * version, a name that is not a plugin's and a clashing name are refused with
 * the plugins dir left exactly as it was; a plugin that breaks fails only the
 * commands that use its names; an agent type from a plugin runs an agent; and
 * `fleet list` without plugins neither reads nor makes a plugins dir.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { docBlocks } from "../../helpers/doc-blocks.ts";
import { makeSandbox, waitFor, type RunResult, type Sandbox } from "../../helpers/sandbox.ts";
import {
  examplePlugin,
  packPlugin,
  providerPlugin,
  snapshotDir,
  writePlugin,
} from "./plugin-fixture.ts";

type Json = Record<string, unknown>;
interface ListedPlugins {
  format_version: string;
  plugins: Json[];
}

let sb: Sandbox;
let out: string;
let pluginsDir: string;

before(async () => {
  sb = await makeSandbox("plugin-cli");
  out = join(sb.dir, "packed");
  pluginsDir = join(sb.home, "plugins");
});
after(async () => {
  await sb.cleanup();
});

async function fleet(args: string[], expect: number): Promise<RunResult> {
  const result = await sb.fleet(args, { timeoutMs: 120_000 });
  assert.equal(
    result.code,
    expect,
    `fleet ${args.join(" ")} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
  );
  return result;
}

async function pack(name: string, body: string): Promise<string> {
  return packPlugin(await writePlugin(sb.dir, name, body), out);
}

async function fleetFile(name: string, yaml: string): Promise<string> {
  const path = join(sb.dir, name);
  await writeFile(path, yaml);
  return path;
}

/** Runs `add` expecting a refusal; asserts the plugins dir is byte for byte as before. */
async function refused(spec: string, message: RegExp): Promise<RunResult> {
  const before = await snapshotDir(pluginsDir);
  const result = await fleet(["plugin", "add", spec], 1);
  assert.match(result.stderr, message);
  assert.deepEqual(await snapshotDir(pluginsDir), before, "a refused plugin changes nothing");
  return result;
}

describe("fleet plugin", { timeout: 300_000 }, () => {
  test("fleet list without plugins is unaffected and makes no plugins dir", async () => {
    const listed = await fleet(["list", "--format", "json"], 0);
    assert.deepEqual((JSON.parse(listed.stdout) as { agents: Json[] }).agents, []);
    await fleet(["list"], 0);
    assert.equal(existsSync(pluginsDir), false);
    const none = await fleet(["plugin", "list"], 0);
    assert.match(none.stdout, /^No plugins installed/);
  });

  test("a package not named fleet-provider-* or fleet-agent-* is refused before npm runs", async () => {
    const dir = await writePlugin(sb.dir, "podman-provider", providerPlugin("pm"));
    const result = await fleet(["plugin", "add", dir], 1);
    assert.match(result.stderr, /"podman-provider" is not a fleet plugin name/);
    assert.equal(existsSync(pluginsDir), false);
  });

  test("docs/cli.md's fleet plugin examples run as shown, from where the tarball was packed", async () => {
    const block = docBlocks().find(
      (b) => b.file === "docs/cli.md" && b.body.startsWith("fleet plugin add "),
    );
    assert.ok(block, "docs/cli.md shows fleet plugin examples");
    const docs = join(sb.dir, "docs-run");
    const tarball = await packPlugin(examplePlugin, docs);
    const lines = block.body.split("\n").filter((line) => line.trim() !== "");
    assert.ok(
      lines[0]?.endsWith(` ./${basename(tarball)}`),
      `${lines[0] ?? ""} adds ${basename(tarball)}`,
    );
    const outputs: string[] = [];
    for (const line of lines) {
      const args = line.split(/\s+/).slice(1);
      const result = await sb.fleet(args, { cwd: docs, timeoutMs: 120_000 });
      assert.equal(result.code, 0, `${block.where}: ${line}: ${result.stderr}`);
      outputs.push(result.stdout);
    }
    assert.match(outputs.join(""), /provider podman +ok/);
    assert.ok(
      !existsSync(join(pluginsDir, "node_modules", "fleet-provider-podman")),
      "the last line removed it",
    );
  });

  test("the example plugin installs from its packed tarball and its provider checks fleet files", async () => {
    const tarball = await packPlugin(examplePlugin, out);
    assert.match(tarball, /fleet-provider-podman-\d+\.\d+\.\d+\.tgz$/);
    const started = Date.now();
    const added = await fleet(["plugin", "add", tarball], 0);
    console.log(`# fleet plugin add of the example's tarball: ${Date.now() - started} ms`);
    assert.match(added.stdout, /^Added fleet-provider-podman 0\.1\.0 \(provider podman\) in /);
    assert.ok(
      existsSync(join(pluginsDir, "node_modules", "fleet-provider-podman", "lib", "provider.js")),
    );

    const listed = JSON.parse(
      (await fleet(["plugin", "list", "--format", "json"], 0)).stdout,
    ) as ListedPlugins;
    assert.equal(listed.format_version, "1.0");
    assert.deepEqual(
      listed.plugins.map((p) => [p.name, p.version, p.providers, p.agentTypes, p.contract]),
      [["fleet-provider-podman", "0.1.0", ["podman"], [], { ok: true }]],
    );
    const table = (await fleet(["plugin", "list"], 0)).stdout;
    assert.match(
      table,
      /^NAME +VERSION +PROVIDES +CONTRACT\nfleet-provider-podman +0\.1\.0 +provider podman +ok\n$/,
    );

    // The plugin's own validateHost answers for its hosts.
    const noImage = await fleetFile(
      "no-image.yaml",
      "version: 1\nname: pv\nhosts:\n  pod: { provider: podman }\n",
    );
    const invalid = await fleet(["validate", "-f", noImage], 1);
    assert.match(invalid.stderr, /hosts\.pod\.image/);
    assert.match(invalid.stderr, /a podman host needs an image/);
    const good = await fleetFile(
      "good.yaml",
      "version: 1\nname: pv\nhosts:\n  pod: { provider: podman, image: fleet/base:bookworm }\n",
    );
    await fleet(["validate", "-f", good], 0);

    // Adding it again replaces it (an upgrade): its own names do not clash. A staging
    // dir left by a killed add goes too.
    await mkdir(join(pluginsDir, ".staging-killed", "node_modules"), { recursive: true });
    const again = JSON.parse(
      (await fleet(["plugin", "add", tarball, "--format", "json"], 0)).stdout,
    ) as Json;
    assert.equal(again.replaced, true);
    assert.equal((again.added as Json).spec, tarball);
    assert.deepEqual(
      (await readdir(pluginsDir)).filter((name) => name.startsWith(".staging-")),
      [],
    );
  });

  test("a wrong contract version is refused, naming the wanted and found versions; nothing is installed", async () => {
    const manifest = await refused(
      await pack("fleet-provider-future", providerPlugin("future", { plugin: 2 })),
      /error: plugin fleet-provider-future: its manifest is written for contract version 2; this fleet wants version 1\nhint: upgrade fleet/,
    );
    assert.doesNotMatch(manifest.stderr, /Added/);
    await refused(
      await pack("fleet-provider-oldapi", providerPlugin("oldapi", { provider: 0 })),
      /error: plugin fleet-provider-oldapi: provider oldapi is written for contract version 0; this fleet wants version 1/,
    );
    const json = JSON.parse(
      (
        await fleet(
          ["plugin", "add", join(out, "fleet-provider-future-1.0.0.tgz"), "--format", "json"],
          1,
        )
      ).stdout,
    ) as { error: Json };
    assert.equal(json.error.code, "PLUGIN_CONTRACT");
    assert.deepEqual(json.error.details, {
      plugin: "fleet-provider-future",
      what: "its manifest",
      wanted: 1,
      found: 2,
    });
    assert.equal(existsSync(join(pluginsDir, "node_modules", "fleet-provider-future")), false);
  });

  test("a name that clashes with a built-in or another plugin's is refused; nothing is installed", async () => {
    await refused(
      await pack("fleet-provider-mydocker", providerPlugin("docker")),
      /plugin fleet-provider-mydocker provides provider "docker", which is built into fleet/,
    );
    await refused(
      await pack("@acme/fleet-provider-podman", providerPlugin("podman")),
      /plugin @acme\/fleet-provider-podman provides provider "podman", which plugin fleet-provider-podman provides/,
    );
  });

  test("a plugin broken after install fails only the commands that use its names, naming it", async () => {
    await fleet(
      ["plugin", "add", await pack("fleet-provider-fragile", providerPlugin("fragile"))],
      0,
    );
    await writeFile(
      join(pluginsDir, "node_modules", "fleet-provider-fragile", "index.js"),
      'throw new Error("cannot find libfragile.so");\n',
    );
    await fleet(["list"], 0);
    await fleet(["validate", "-f", join(sb.dir, "good.yaml")], 0);
    const file = await fleetFile(
      "fragile.yaml",
      "version: 1\nname: fr\nhosts:\n  f: { provider: fragile }\n",
    );
    const used = await fleet(["validate", "-f", file], 1);
    assert.match(
      used.stderr,
      /error: plugin fleet-provider-fragile: importing it failed: cannot find libfragile\.so/,
    );
    assert.match(
      used.stderr,
      /hint: reinstall it \(fleet plugin add fleet-provider-fragile\) or remove it/,
    );

    const listed = await fleet(["plugin", "list"], 1);
    assert.match(
      listed.stdout,
      /fleet-provider-fragile +1\.0\.0 +provider fragile +PLUGIN_LOAD: plugin fleet-provider-fragile: importing it failed/,
    );
    assert.match(listed.stdout, /fleet-provider-podman +0\.1\.0 +provider podman +ok/);
    const removed = await fleet(["plugin", "remove", "fleet-provider-fragile"], 0);
    assert.equal(removed.stdout, "Removed fleet-provider-fragile 1.0.0.\n");
    assert.equal(existsSync(join(pluginsDir, "node_modules", "fleet-provider-fragile")), false);
    const gone = await fleet(["validate", "-f", file], 1);
    assert.match(gone.stderr, /unknown provider "fragile"/);
  });

  test("an agent type from a plugin runs an agent through fleet create, list, capture and destroy", async () => {
    const hello = `export default {
  contractVersion: 1,
  agentTypes: {
    hello: (sdk) => ({
      contractVersion: sdk.contracts.agentType,
      name: "hello",
      description: "says hello, then waits",
      requiresCommand: false,
      launchCommand: (spec) => "printf 'hello from %s, a plugin agent\\\\n' " + sdk.shellQuote(spec.name) + "; exec sleep 300",
      readiness: { timeoutMs: 0, exitWindowMs: 400 },
      delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
      transcript: { kind: "terminal" },
    }),
  },
};
`;
    await fleet(["plugin", "add", await pack("fleet-agent-hello", hello)], 0);
    await fleet(["create", "greeter", "--agent", "hello", "--no-connect"], 0);
    const agents = (
      JSON.parse((await fleet(["list", "--format", "json"], 0)).stdout) as { agents: Json[] }
    ).agents;
    assert.deepEqual(
      agents.map((a) => [a.name, a.type ?? a.agent, a.state]),
      [["greeter", "hello", "RUNNING"]],
    );
    await waitFor(async () => {
      const screen = await sb.fleet(["capture", "greeter"]);
      return screen.stdout.includes("hello from greeter, a plugin agent") ? true : undefined;
    });
    await fleet(["destroy", "greeter", "-y"], 0);
    await fleet(["plugin", "remove", "fleet-agent-hello"], 0);
  });

  test("two adds at once both land in the index (they take turns)", async () => {
    const [one, two] = await Promise.all([
      pack("fleet-provider-one", providerPlugin("one")),
      pack("fleet-provider-two", providerPlugin("two")),
    ]);
    await Promise.all([fleet(["plugin", "add", one], 0), fleet(["plugin", "add", two], 0)]);
    const index = JSON.parse(await readFile(join(pluginsDir, "index.json"), "utf8")) as {
      plugins: Json[];
    };
    const names = index.plugins.map((p) => p.name);
    assert.ok(
      names.includes("fleet-provider-one") && names.includes("fleet-provider-two"),
      names.join(),
    );
    await Promise.all([
      fleet(["plugin", "remove", "fleet-provider-one"], 0),
      fleet(["plugin", "remove", "fleet-provider-two"], 0),
    ]);
  });

  test("remove refuses while a known host uses its provider, unless --force", async () => {
    await mkdir(join(sb.home, "hosts"), { recursive: true });
    await writeFile(
      join(sb.home, "hosts", "pod.json"),
      JSON.stringify({ name: "pod", provider: "podman", config: { image: "fleet/base:bookworm" } }),
    );
    const refusedRemove = await fleet(["plugin", "remove", "fleet-provider-podman"], 1);
    assert.match(
      refusedRemove.stderr,
      /error: plugin fleet-provider-podman provides the provider of host pod\n/,
    );
    assert.ok(existsSync(join(pluginsDir, "node_modules", "fleet-provider-podman")));
    const forced = await fleet(
      ["plugin", "remove", "fleet-provider-podman", "--force", "--format", "json"],
      0,
    );
    assert.deepEqual((JSON.parse(forced.stdout) as Json).hostsLeft, ["pod"]);
    assert.equal(existsSync(join(pluginsDir, "node_modules", "fleet-provider-podman")), false);
    const index = JSON.parse(await readFile(join(pluginsDir, "index.json"), "utf8")) as {
      plugins: Json[];
    };
    assert.deepEqual(index.plugins, []);
    const missing = await fleet(["plugin", "remove", "fleet-provider-podman"], 1);
    assert.match(missing.stderr, /no plugin fleet-provider-podman is installed/);
  });
});
