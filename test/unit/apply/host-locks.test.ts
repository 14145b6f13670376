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

/** A provider that can try locks: `busy` hosts are held elsewhere, `broken` ones fail. */
function tryingProvider(log: string[], busy: Set<string>, broken = new Set<string>()): Provider {
  let inFlight = 0;
  const release = (name: string) => () => {
    log.push(`release:${name}`);
    return Promise.resolve();
  };
  return {
    name: "ssh",
    tryLock: async (host: HostSpec) => {
      inFlight++;
      log.push(`try:${host.name}:${inFlight}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (broken.has(host.name)) throw new Error(`${host.name} is unreachable`);
      return busy.has(host.name) ? "busy" : release(host.name);
    },
    lock: (host: HostSpec) => {
      log.push(`wait:${host.name}`);
      return Promise.resolve(release(host.name));
    },
  } as unknown as Provider;
}

describe("lockHostsInOrder with tryLock", () => {
  const hosts = ["a", "b", "c", "d"].map((name) => host(name, "ssh"));

  test("every free lock is taken at once, none waited for", async () => {
    const log: string[] = [];
    const held = await lockHostsInOrder(
      hosts,
      new Map([["ssh", tryingProvider(log, new Set())]]),
      ctx,
      () => undefined,
    );
    assert.deepEqual(log, ["try:a:1", "try:b:2", "try:c:3", "try:d:4"]);
    assert.deepEqual([...held.locked].sort(), ["a", "b", "c", "d"]);
  });

  test("a busy lock: those before it are kept, those after it let go, and from it on each is waited for in order", async () => {
    const log: string[] = [];
    const held = await lockHostsInOrder(
      hosts,
      new Map([["ssh", tryingProvider(log, new Set(["b"]))]]),
      ctx,
      () => undefined,
    );
    assert.deepEqual(log.slice(4), ["release:c", "release:d", "wait:b", "wait:c", "wait:d"]);
    assert.deepEqual([...held.locked].sort(), ["a", "b", "c", "d"]);
  });

  test("a lock that fails goes to unavailable, and the others are held", async () => {
    const log: string[] = [];
    const failed: string[] = [];
    const held = await lockHostsInOrder(
      hosts,
      new Map([["ssh", tryingProvider(log, new Set(), new Set(["c"]))]]),
      ctx,
      (h, error) => failed.push(`${h.name}: ${error.message}`),
    );
    assert.deepEqual(failed, ["c: c is unreachable"]);
    assert.deepEqual([...held.locked].sort(), ["a", "b", "d"]);
  });

  test("giving up on a failed lock lets go of every lock taken", async () => {
    const log: string[] = [];
    await assert.rejects(
      lockHostsInOrder(
        hosts,
        new Map([["ssh", tryingProvider(log, new Set(), new Set(["a"]))]]),
        ctx,
        (_h, error) => {
          throw error;
        },
      ),
      /a is unreachable/,
    );
    assert.deepEqual(log.slice(4).sort(), ["release:b", "release:c", "release:d"]);
  });
});
