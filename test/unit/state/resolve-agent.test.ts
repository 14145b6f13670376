/** NAME and NAME@HOST over local host names: `local` is this machine, any other name is exact. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveAgent } from "../../../src/core/state/resolve-agent.ts";
import { DEFAULT_HOST } from "../../../src/core/model.ts";
import { agent, live, liveAgent } from "../plan/fixtures.ts";

const docs = liveAgent(agent("docs", { host: "laptop" }), { provider: "local" });
const web = liveAgent(agent("web", { host: "sandbox" }), { provider: "docker" });
const state = live([docs, web]);
const hosts = [DEFAULT_HOST, { name: "sandbox", provider: "docker", config: {} }];

describe("resolveAgent", () => {
  test("NAME finds an agent on a local host name no known host lists, with a local spec", () => {
    const found = resolveAgent("docs", state, hosts);
    assert.equal(found.agent.host, "laptop");
    assert.deepEqual(found.host, { name: "laptop", provider: "local", config: {} });
  });

  test("NAME@local finds an agent declared on laptop: local is this machine", () => {
    assert.equal(resolveAgent("docs@local", state, hosts).agent.host, "laptop");
    assert.equal(resolveAgent("docs@laptop", state, hosts).agent.host, "laptop");
  });

  test("NAME@local does not reach an agent on a docker host", () => {
    assert.throws(() => resolveAgent("web@local", state, hosts), {
      code: "AGENT_NOT_FOUND",
      hint: /it is on another host: web@sandbox/,
    });
  });

  test("another local name than the agent's own does not match", () => {
    assert.throws(() => resolveAgent("docs@workstation", state, hosts), {
      code: "AGENT_NOT_FOUND",
      hint: /docs@laptop/,
    });
  });
});
