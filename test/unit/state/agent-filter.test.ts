import assert from "node:assert/strict";
import { test } from "node:test";
import { FleetError } from "../../../src/core/errors.ts";
import { matchesLabels, parseSelectors } from "../../../src/core/label-selector.ts";
import {
  filterAgents,
  parseAgentFilter,
  unknownFilterWarnings,
} from "../../../src/core/state/agent-filter.ts";
import type { LiveAgent } from "../../../src/core/model.ts";

const agent = (name: string, labels: Record<string, string>, extra: Partial<LiveAgent> = {}) =>
  ({
    name,
    host: "local",
    provider: "local",
    fleet: "f",
    state: "RUNNING",
    spec: { labels },
    ...extra,
  }) as unknown as LiveAgent;

const matches = (labels: Record<string, string>, ...selectors: string[]) =>
  matchesLabels(labels, parseSelectors(selectors));

test("key=value, key==value and key!=value as kubectl", () => {
  assert.equal(matches({ role: "review" }, "role=review"), true);
  assert.equal(matches({ role: "review" }, "role==review"), true);
  assert.equal(matches({ role: "review" }, "role=build"), false);
  assert.equal(matches({ role: "review" }, "role!=build"), true);
  assert.equal(matches({ role: "review" }, "role!=review"), false);
  // No label at all matches key!=value, as in kubectl.
  assert.equal(matches({}, "role!=review"), true);
});

test("key and !key test that the label exists or not", () => {
  assert.equal(matches({ tier: "x" }, "tier"), true);
  assert.equal(matches({}, "tier"), false);
  assert.equal(matches({}, "!tier"), true);
  assert.equal(matches({ tier: "x" }, "!tier"), false);
});

test("several selectors, repeated or comma-joined, must all match", () => {
  assert.equal(matches({ a: "1", b: "2" }, "a=1", "b=2"), true);
  assert.equal(matches({ a: "1", b: "2" }, "a=1,b=3"), false);
  assert.equal(matches({ a: "1" }, "a=1, b"), false);
});

test("malformed selectors are usage errors", () => {
  for (const bad of ["=x", "!a=b", "a b=c", "-a=1"]) {
    assert.throws(
      () => parseSelectors([bad]),
      (e: unknown) => e instanceof FleetError && e.code === "USAGE",
      bad,
    );
  }
});

test("filters combine host, state, fleet and labels", () => {
  const agents = [
    agent("a", { role: "r" }),
    agent("b", { role: "r" }, { state: "STOPPED" }),
    agent("c", {}, { fleet: null, host: "box" }),
  ];
  const pick = (options: Parameters<typeof parseAgentFilter>[0]) =>
    filterAgents(agents, parseAgentFilter(options)).map((a) => a.name);
  assert.deepEqual(pick({ labels: ["role=r"], state: "stopped" }), ["b"]);
  assert.deepEqual(pick({ fleet: "-" }), ["c"]);
  assert.deepEqual(pick({ host: "box" }), ["c"]);
  assert.throws(() => parseAgentFilter({ state: "sleeping" }), /unknown state/);
});

test("unknown hosts and fleets are warned about, known ones are not", () => {
  const live = { agents: [agent("a", {})], hosts: [], errors: [] };
  const hosts = [{ name: "local", provider: "local", config: {} }];
  assert.deepEqual(
    unknownFilterWarnings(parseAgentFilter({ host: "local", fleet: "f" }), live, hosts),
    [],
  );
  const [hostWarning] = unknownFilterWarnings(parseAgentFilter({ host: "lcoal" }), live, hosts);
  assert.match(hostWarning ?? "", /no host named "lcoal" is known \(did you mean "local"\?\)/);
  const [fleetWarning] = unknownFilterWarnings(parseAgentFilter({ fleet: "zzz" }), live, hosts);
  assert.match(fleetWarning ?? "", /no agent belongs to a fleet named "zzz"/);
});
