/** Locks are per machine: several local host names take this machine's lock once. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lockHostsInOrder } from "../../../src/core/apply/host-locks.ts";
import type { Provider, ProviderContext } from "../../../src/core/contracts/provider.ts";
import { silentIoHost } from "../../../src/core/io.ts";
import type { HostSpec } from "../../../src/core/model.ts";

const ctx = { env: { home: "/nowhere", prefix: "t-" }, io: silentIoHost } as ProviderContext;

function recordingProvider(name: string, taken: string[]): Provider {
  return {
    name,
    lock: (host: HostSpec) => {
      taken.push(`${name}:${host.name}`);
      return Promise.resolve(() => Promise.resolve());
    },
  } as unknown as Provider;
}

const host = (name: string, provider: string): HostSpec => ({ name, provider, config: {} });

describe("lockHostsInOrder", () => {
  test("local host names are one machine: one lock, and every name counts as locked", async () => {
    const taken: string[] = [];
    const providers = new Map([
      ["local", recordingProvider("local", taken)],
      ["docker", recordingProvider("docker", taken)],
    ]);
    const held = await lockHostsInOrder(
      [host("local", "local"), host("sandbox", "docker"), host("laptop", "local")],
      providers,
      ctx,
      () => undefined,
    );
    assert.deepEqual(taken, ["local:laptop", "docker:sandbox"]);
    assert.deepEqual([...held.locked].sort(), ["laptop", "local", "sandbox"]);
    await held.releaseAll();
  });

  test("hosts of other providers are each their own machine", async () => {
    const taken: string[] = [];
    const providers = new Map([["docker", recordingProvider("docker", taken)]]);
    await lockHostsInOrder(
      [host("b", "docker"), host("a", "docker")],
      providers,
      ctx,
      () => undefined,
    );
    assert.deepEqual(taken, ["docker:a", "docker:b"]);
  });
});
