import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadFleetFile, validateHostsWithProviders } from "../../../src/core/config/load.ts";
import type { Provider } from "../../../src/core/contracts/provider.ts";
import type { HostSpec } from "../../../src/core/model.ts";
import { registerProvider } from "../../../src/core/registry.ts";
import { problemsOf, rejection, tempDir } from "./helpers.ts";

/** Only what validation asks of a provider; the rest of the contract is never called here. */
const fake = {
  name: "fake",
  capabilities: { manageHost: true, stopHost: true, snapshot: false, networkPolicy: false },
  validateHost(host: HostSpec) {
    return host.config.image === undefined ? [{ path: "image", message: "image is required" }] : [];
  },
} as unknown as Provider;
registerProvider("fake", () => Promise.resolve(fake));
const enforcing = {
  ...fake,
  name: "enforcing",
  capabilities: { ...fake.capabilities, networkPolicy: true },
} as unknown as Provider;
registerProvider("enforcing", () => Promise.resolve(enforcing));

describe("validateHostsWithProviders", () => {
  test("places a provider's problems with a host at the host's line", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.yaml",
      "version: 1\nname: t\nhosts:\n  box: { provider: fake }\n  ok: { provider: fake, image: x }\n",
    );
    const desired = await loadFleetFile(file);
    const problems = problemsOf(await rejection(() => validateHostsWithProviders(desired)));
    assert.deepEqual(problems, [
      { file, line: 4, column: 3, path: "hosts.box.image", message: "image is required" },
    ]);
  });

  test("refuses a network policy on a host whose provider cannot enforce one", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.yaml",
      [
        "version: 1",
        "name: t",
        "hosts:",
        "  box: { provider: fake, image: x }",
        "templates:",
        "  sealed: { agent: command, command: x, network: { egress: offline } }",
        "agents:",
        "  a: { template: sealed, host: box }",
        "  b: { template: sealed, host: box, network: { egress: open } }",
        "",
      ].join("\n"),
    );
    const desired = await loadFleetFile(file);
    const problems = problemsOf(await rejection(() => validateHostsWithProviders(desired)));
    assert.deepEqual(
      problems.map(
        (problem) => `${problem.line}:${problem.column} ${problem.path}: ${problem.message}`,
      ),
      [
        '6:50 templates.sealed.network: host "box" cannot enforce a network policy; run this agent on a host that can (docker)',
      ],
    );
  });

  test("passes hosts the provider accepts and agents asking for no policy", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.yaml",
      "version: 1\nname: t\nhosts:\n  box: { provider: fake, image: x }\nagents:\n  a: { command: x, host: box, network: { egress: open } }\n",
    );
    await assert.doesNotReject(async () => validateHostsWithProviders(await loadFleetFile(file)));
  });

  test("refuses an agent's policy or limits that its enforcing host does not carry", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.yaml",
      [
        "version: 1",
        "name: t",
        "hosts:",
        "  sealed: { provider: enforcing, image: x, network: { egress: offline } }",
        "  open: { provider: enforcing, image: x }",
        "agents:",
        "  same: { command: x, host: sealed, network: { egress: offline } }",
        "  inherits: { command: x, host: sealed }",
        "  wants-offline: { command: x, host: open, network: { egress: offline } }",
        "  wants-limits: { command: x, host: open, resources: { cpus: 1 } }",
        "",
      ].join("\n"),
    );
    const desired = await loadFleetFile(file);
    const problems = problemsOf(await rejection(() => validateHostsWithProviders(desired)));
    assert.deepEqual(
      problems.map((problem) => `${problem.line} ${problem.path}: ${problem.message}`),
      [
        '9 agents.wants-offline.network: the network policy is enforced per host and host "open" has no network policy; set this policy on hosts.open.network (every agent on the host shares it)',
        "10 agents.wants-limits.resources: resource limits are enforced per host; set them on hosts.open.resources (every agent on the host shares them)",
      ],
    );
  });
});
