import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AGENT_TYPE_CONTRACT_VERSION } from "../../../src/core/contracts/agent-type.ts";
import { PLUGIN_CONTRACT_VERSION } from "../../../src/core/contracts/plugin.ts";
import { PROVIDER_CONTRACT_VERSION } from "../../../src/core/contracts/provider.ts";
import { FleetError } from "../../../src/core/errors.ts";
import {
  checkAgentType,
  checkClashes,
  checkManifest,
  checkPackageName,
  checkProvider,
} from "../../../src/core/plugins/manifest.ts";

/** The FleetError a call throws (fails the test when it does not throw one). */
function thrown(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof FleetError, `expected a FleetError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected it to throw");
}

const loader = () => ({});
const provider = (overrides: Record<string, unknown> = {}) => ({
  contractVersion: PROVIDER_CONTRACT_VERSION,
  name: "podman",
  capabilities: { manageHost: true, stopHost: false, snapshot: false, networkPolicy: false },
  ...Object.fromEntries(
    [
      "validateHost",
      "discover",
      "transport",
      "lock",
      "prepareWorkdir",
      "createHost",
      "startHost",
      "stopHost",
      "destroyHost",
      "applyNetworkPolicy",
      "snapshot",
    ].map((method) => [method, () => undefined]),
  ),
  ...overrides,
});

describe("plugin package names", () => {
  test("takes fleet-provider-*, fleet-agent-* and their scoped forms", () => {
    for (const name of [
      "fleet-provider-podman",
      "fleet-agent-aider",
      "@acme/fleet-provider-nspawn",
      "@acme/fleet-agent-review.v2",
    ]) {
      assert.doesNotThrow(() => checkPackageName(name), name);
    }
  });

  test("refuses other names, naming the rule", () => {
    for (const name of [
      "podman",
      "fleet-podman",
      "fleet-provider-",
      "my-fleet-provider-x",
      "@acme/podman",
      "fleet-provider-Podman",
      "fleet-agent-x/../../etc",
    ]) {
      const error = thrown(() => checkPackageName(name));
      assert.equal(error.code, "PLUGIN_NAME", name);
      assert.match(error.message, /fleet-provider-NAME or fleet-agent-NAME/);
    }
  });
});

describe("checkManifest", () => {
  test("returns the names a manifest provides, sorted", () => {
    const names = checkManifest("fleet-provider-x", {
      contractVersion: PLUGIN_CONTRACT_VERSION,
      providers: { zed: loader, alpha: loader },
      agentTypes: { reviewer: loader },
    });
    assert.deepEqual(names, { providers: ["alpha", "zed"], agentTypes: ["reviewer"] });
  });

  test("a wrong contract version names the plugin, the wanted and the found version", () => {
    const error = thrown(() =>
      checkManifest("fleet-provider-x", {
        contractVersion: PLUGIN_CONTRACT_VERSION + 1,
        providers: { x: loader },
      }),
    );
    assert.equal(error.code, "PLUGIN_CONTRACT");
    assert.match(error.message, /^plugin fleet-provider-x: /);
    assert.match(error.message, new RegExp(`contract version ${PLUGIN_CONTRACT_VERSION + 1};`));
    assert.match(error.message, new RegExp(`wants version ${PLUGIN_CONTRACT_VERSION}$`));
    assert.match(error.hint ?? "", /upgrade fleet/);
    assert.deepEqual(error.details, {
      plugin: "fleet-provider-x",
      what: "its manifest",
      wanted: PLUGIN_CONTRACT_VERSION,
      found: PLUGIN_CONTRACT_VERSION + 1,
    });
  });

  test("an older or missing version asks for a plugin made for this contract", () => {
    const older = thrown(() =>
      checkManifest("fleet-agent-y", { contractVersion: 0, agentTypes: { y: loader } }),
    );
    assert.equal(older.code, "PLUGIN_CONTRACT");
    assert.match(older.hint ?? "", /install a version of fleet-agent-y made for contract/);
    const none = thrown(() => checkManifest("fleet-agent-y", { agentTypes: { y: loader } }));
    assert.match(none.message, /contract version none/);
  });

  test("refuses what is not a manifest, saying what is wrong", () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /default export is not a manifest/],
      [[1], /default export is not a manifest/],
      [{ contractVersion: PLUGIN_CONTRACT_VERSION }, /provides no provider and no agent type/],
      [{ contractVersion: PLUGIN_CONTRACT_VERSION, providers: [] }, /providers must be an object/],
      [
        { contractVersion: PLUGIN_CONTRACT_VERSION, providers: { x: "nope" } },
        /providers\.x must be a function/,
      ],
      [
        { contractVersion: PLUGIN_CONTRACT_VERSION, agentTypes: { "bad name": loader } },
        /"bad name", which is not a valid name/,
      ],
    ];
    for (const [value, message] of cases) {
      const error = thrown(() => checkManifest("fleet-provider-x", value));
      assert.equal(error.code, "PLUGIN_INVALID");
      assert.match(error.message, message);
    }
  });
});

describe("checkProvider and checkAgentType", () => {
  test("take a provider of this contract under its own name", () => {
    const value = provider();
    assert.equal(checkProvider("fleet-provider-podman", "podman", value), value);
  });

  test("a provider of another contract version is PLUGIN_CONTRACT, with both versions", () => {
    const error = thrown(() =>
      checkProvider(
        "fleet-provider-podman",
        "podman",
        provider({ contractVersion: PROVIDER_CONTRACT_VERSION + 1 }),
      ),
    );
    assert.equal(error.code, "PLUGIN_CONTRACT");
    assert.equal(
      error.message,
      `plugin fleet-provider-podman: provider podman is written for contract version ${PROVIDER_CONTRACT_VERSION + 1}; this fleet wants version ${PROVIDER_CONTRACT_VERSION}`,
    );
  });

  test("a provider missing methods or under another name is refused, listing what is wrong", () => {
    const missing = thrown(() =>
      checkProvider(
        "fleet-provider-podman",
        "podman",
        provider({ discover: undefined, snapshot: 1 }),
      ),
    );
    assert.match(missing.message, /lacks discover, snapshot$/);
    const renamed = thrown(() =>
      checkProvider("fleet-provider-podman", "podman", provider({ name: "docker" })),
    );
    assert.match(renamed.message, /calls itself "docker"/);
  });

  test("an agent type needs its contract version, launchCommand, readiness, delivery and transcript", () => {
    const good = {
      contractVersion: AGENT_TYPE_CONTRACT_VERSION,
      name: "echo",
      launchCommand: () => "echo",
      readiness: { timeoutMs: 0 },
      delivery: { kind: "paste", bracketed: false, submitKeys: ["Enter"] },
      transcript: { kind: "terminal" },
    };
    assert.equal(checkAgentType("fleet-agent-echo", "echo", good), good);
    const old = thrown(() =>
      checkAgentType("fleet-agent-echo", "echo", { ...good, contractVersion: 0 }),
    );
    assert.equal(old.code, "PLUGIN_CONTRACT");
    const partial = thrown(() =>
      checkAgentType("fleet-agent-echo", "echo", {
        ...good,
        launchCommand: undefined,
        delivery: undefined,
      }),
    );
    assert.match(partial.message, /lacks launchCommand, delivery$/);
  });
});

describe("checkClashes", () => {
  const taken = {
    providers: new Map([
      ["docker", "fleet"],
      ["podman", "fleet-provider-podman"],
    ]),
    agentTypes: new Map([["command", "fleet"]]),
  };

  test("free names pass", () => {
    assert.doesNotThrow(() =>
      checkClashes(
        "fleet-provider-nspawn",
        { providers: ["nspawn"], agentTypes: ["review"] },
        taken,
      ),
    );
  });

  test("a built-in name and another plugin's name are both named, with their owners", () => {
    const error = thrown(() =>
      checkClashes(
        "fleet-provider-many",
        { providers: ["docker", "podman"], agentTypes: ["command"] },
        taken,
      ),
    );
    assert.equal(error.code, "PLUGIN_CLASH");
    assert.equal(
      error.message,
      'plugin fleet-provider-many provides provider "docker", which is built into fleet and provider "podman", which plugin fleet-provider-podman provides and agent type "command", which is built into fleet',
    );
  });
});
