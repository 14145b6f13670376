import assert from "node:assert/strict";
import { test } from "node:test";
import { fleetNeeds, remoteAgentClis } from "../../../src/core/doctor/needs.ts";
import type { DesiredState } from "../../../src/core/model.ts";

const desired = {
  fleet: "f",
  source: "/x/fleet.yaml",
  hosts: [
    { name: "laptop", provider: "local", config: {} },
    { name: "sandbox", provider: "docker", config: { image: "fleet/base:bookworm" } },
    { name: "box", provider: "ssh", config: { address: "dev@b" } },
  ],
  agents: [
    { name: "rev", host: "laptop", agent: "claude", workdir: { from: "/r", branch: "b" } },
    { name: "docs", host: "sandbox", agent: "codex" },
    { name: "tail", host: "local", agent: "command" },
  ],
} as unknown as DesiredState;

test("docker hosts need the engine and their image; ssh hosts OpenSSH", () => {
  const needs = fleetNeeds(desired);
  assert.deepEqual(needs.get("docker"), ["host sandbox (docker)"]);
  assert.deepEqual(needs.get("image:fleet/base:bookworm"), ["host sandbox (docker)"]);
  assert.deepEqual(needs.get("ssh"), ["host box (ssh)"]);
});

test("agents on any local host need tmux and their CLI here; remote ones there", () => {
  const needs = fleetNeeds(desired);
  assert.deepEqual(needs.get("tmux"), ["agent rev (on laptop)", "agent tail (on local)"]);
  assert.deepEqual(needs.get("claude"), ["agent rev (claude)"]);
  assert.equal(needs.has("codex"), false);
  assert.deepEqual(needs.get("git"), ["agent rev (workdir)"]);
  assert.deepEqual(remoteAgentClis(desired), ["docs@sandbox (codex)"]);
});
