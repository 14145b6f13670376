/**
 * Start-up registration from FLEET_HOME/plugins/index.json: names are registered
 * without importing the plugin, the plugin is imported when a name is first used,
 * and a plugin that throws or meets another contract fails only that use, naming it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { PROVIDER_CONTRACT_VERSION } from "../../../src/core/contracts/provider.ts";
import type { FleetError } from "../../../src/core/errors.ts";
import {
  readPluginIndex,
  writePluginIndex,
  type PluginEntry,
} from "../../../src/core/plugins/index-file.ts";
import { registerInstalledPlugins } from "../../../src/core/plugins/register.ts";
import { getProvider, providerNames } from "../../../src/core/registry.ts";

const home = mkdtempSync(join(tmpdir(), "fleet-plugins-register-"));
after(() => rmSync(home, { recursive: true, force: true }));

const imports = (name: string): number =>
  (globalThis as unknown as Record<string, number | undefined>)[`__fleetTestImports_${name}`] ?? 0;

/** A plugin module under FLEET_HOME/plugins/node_modules/NAME that counts its imports. */
function writePlugin(pkg: string, provider: string, body: string): PluginEntry {
  const dir = join(home, "plugins", "node_modules", pkg);
  mkdirSync(dir, { recursive: true });
  const counter = `globalThis.__fleetTestImports_${provider} = (globalThis.__fleetTestImports_${provider} ?? 0) + 1;`;
  writeFileSync(join(dir, "index.js"), `${counter}\n${body}\n`);
  return {
    name: pkg,
    version: "1.0.0",
    entry: `node_modules/${pkg}/index.js`,
    providers: [provider],
    agentTypes: [],
    contractVersion: 1,
    spec: pkg,
    addedAt: new Date(0).toISOString(),
  };
}

const providerBody = (name: string, version: number) => `
const noop = async () => undefined;
export default {
  contractVersion: 1,
  providers: {
    ${name}: () => ({
      contractVersion: ${version}, name: "${name}",
      capabilities: { manageHost: false, stopHost: false, snapshot: false, networkPolicy: false },
      validateHost: () => [], discover: async () => ({ hosts: [], agents: [], errors: [] }),
      transport: noop, lock: noop, prepareWorkdir: noop, createHost: noop, startHost: noop,
      stopHost: noop, destroyHost: noop, applyNetworkPolicy: noop, snapshot: noop,
    }),
  },
};`;

async function rejection(promise: Promise<unknown>): Promise<FleetError> {
  try {
    await promise;
  } catch (error) {
    return error as FleetError;
  }
  assert.fail("expected a rejection");
}

describe("registerInstalledPlugins", () => {
  test("no index: nothing registered, and the plugins dir is not made", () => {
    const empty = mkdtempSync(join(tmpdir(), "fleet-plugins-none-"));
    const before = providerNames();
    registerInstalledPlugins(empty);
    assert.deepEqual(providerNames(), before);
    assert.deepEqual(readPluginIndex(empty).plugins, []);
    assert.equal(existsSync(join(empty, "plugins")), false);
    rmSync(empty, { recursive: true, force: true });
  });

  test("registers each name lazily; each plugin fails alone, by name", async () => {
    const good = writePlugin(
      "fleet-provider-good",
      "good",
      providerBody("good", PROVIDER_CONTRACT_VERSION),
    );
    const future = writePlugin(
      "fleet-provider-future",
      "future",
      providerBody("future", PROVIDER_CONTRACT_VERSION + 1),
    );
    const broken = writePlugin(
      "fleet-provider-broken",
      "broken",
      'throw new Error("missing native module");',
    );
    await writePluginIndex(home, { format_version: 1, plugins: [good, future, broken] });

    registerInstalledPlugins(home);
    for (const name of ["good", "future", "broken"]) {
      assert.ok(providerNames().includes(name), `${name} is registered`);
      assert.equal(imports(name), 0, `${name} is not imported before use`);
    }

    const provider = await getProvider("good");
    assert.equal(provider.name, "good");
    assert.equal(imports("good"), 1);
    assert.equal(imports("future"), 0, "using one plugin imports no other");

    const wrong = await rejection(getProvider("future"));
    assert.equal(wrong.code, "PLUGIN_CONTRACT");
    assert.match(
      wrong.message,
      /^plugin fleet-provider-future: provider future is written for contract version 2; this fleet wants version 1$/,
    );

    const threw = await rejection(getProvider("broken"));
    assert.equal(threw.code, "PLUGIN_LOAD");
    assert.equal(
      threw.message,
      "plugin fleet-provider-broken: importing it failed: missing native module",
    );
    assert.match(threw.hint ?? "", /fleet plugin remove fleet-provider-broken/);
  });

  test("a broken index registers nothing at start-up but is an error for those who read it", () => {
    const broken = mkdtempSync(join(tmpdir(), "fleet-plugins-broken-"));
    mkdirSync(join(broken, "plugins"));
    writeFileSync(join(broken, "plugins", "index.json"), "{ not json");
    assert.deepEqual(readPluginIndex(broken, { lenient: true }).plugins, []);
    assert.throws(() => readPluginIndex(broken), { code: "PLUGIN_INDEX" });
    rmSync(broken, { recursive: true, force: true });
  });
});
