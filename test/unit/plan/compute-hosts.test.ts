import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  actions,
  agent,
  changeAt,
  desired,
  host,
  hostError,
  live,
  liveAgent,
  liveHost,
  LOCAL_LIVE,
  plan,
} from "./fixtures.ts";

describe("computePlan: hosts", () => {
  test("a missing docker host is created and its agents wait for it", () => {
    const p = plan(desired([agent("web", { host: "sandbox" })], [host("sandbox")]), live());
    assert.deepEqual(actions(p), { "hosts.sandbox": "create", "agents.web": "create" });
    const hostChange = changeAt(p, "hosts.sandbox");
    assert.equal(hostChange.kind, "host");
    assert.equal(hostChange.provider, "docker");
    assert.deepEqual(changeAt(p, "agents.web").dependsOn, ["hosts.sandbox"]);
    assert.equal(changeAt(p, "agents.web").provider, "docker");
    // Hosts come first in the plan.
    assert.equal(p.changes[0]?.address, "hosts.sandbox");
  });

  test("a host reported as missing is created", () => {
    const spec = host("sandbox");
    const p = plan(desired([], [spec]), live([], [liveHost(spec, { state: "missing" })]));
    assert.equal(changeAt(p, "hosts.sandbox").action, "create");
  });

  test("a stopped docker host is started", () => {
    const spec = host("sandbox");
    const p = plan(
      desired([agent("web", { host: "sandbox" })], [spec]),
      live([], [LOCAL_LIVE, liveHost(spec, { state: "stopped" })]),
    );
    assert.equal(changeAt(p, "hosts.sandbox").action, "start");
    assert.deepEqual(changeAt(p, "agents.web").dependsOn, ["hosts.sandbox"]);
    assert.equal(p.summary.start, 1);
  });

  test("a changed image replaces the host, and the agents on it with it", () => {
    const old = host("sandbox", "docker", { config: { image: "fleet/base:old" } });
    const web = agent("web", { host: "sandbox" });
    const p = plan(
      desired([web], [host("sandbox")]),
      live([liveAgent(web)], [LOCAL_LIVE, liveHost(old)]),
    );
    const hostChange = changeAt(p, "hosts.sandbox");
    assert.equal(hostChange.action, "replace");
    assert.deepEqual(hostChange.fields, [
      {
        field: "config.image",
        before: "fleet/base:old",
        after: "fleet/base:bookworm",
        forcesReplacement: true,
        sensitive: false,
      },
    ]);
    assert.deepEqual(hostChange.reasons, ["config.image changed (forces replacement)"]);
    const agentChange = changeAt(p, "agents.web");
    assert.equal(agentChange.action, "replace");
    assert.deepEqual(agentChange.dependsOn, ["hosts.sandbox"]);
    assert.match(agentChange.reasons.join(" "), /its host sandbox is replaced/);
  });

  test("a network change alone updates the host in place", () => {
    const before = host("sandbox", "docker", { network: { egress: "open" } });
    const after = host("sandbox", "docker", { network: { egress: "offline" } });
    const p = plan(desired([], [after]), live([], [liveHost(before)]));
    const change = changeAt(p, "hosts.sandbox");
    assert.equal(change.action, "update");
    assert.deepEqual(
      change.fields.map((f) => [f.field, f.forcesReplacement]),
      [["network", false]],
    );
  });

  test("an unchanged running docker host is a noop", () => {
    const spec = host("sandbox");
    const p = plan(desired([], [spec]), live([], [liveHost(spec)]));
    assert.equal(changeAt(p, "hosts.sandbox").action, "noop");
  });

  test("an owned docker host no longer desired is deleted after its agents", () => {
    const spec = host("sandbox");
    const web = agent("web", { host: "sandbox" });
    const p = plan(desired([]), live([liveAgent(web)], [LOCAL_LIVE, liveHost(spec)]));
    assert.deepEqual(actions(p), { "hosts.sandbox": "delete", "agents.web": "delete" });
    assert.deepEqual(changeAt(p, "hosts.sandbox").dependsOn, ["agents.web"]);
    assert.equal(p.summary.destroy, 2);
  });

  test("a host delete also waits for an agent moving off it", () => {
    const web = agent("web", { host: "sandbox" });
    const p = plan(
      desired([agent("web")]),
      live([liveAgent(web)], [LOCAL_LIVE, liveHost(host("sandbox"))]),
    );
    assert.equal(changeAt(p, "agents.web").action, "replace");
    assert.deepEqual(changeAt(p, "hosts.sandbox").dependsOn, ["agents.web"]);
  });

  test("local and ssh hosts are never created or deleted", () => {
    const box = host("box", "ssh", { config: { address: "dev@build-1" } });
    const p = plan(
      desired([agent("a", { host: "box" })], [box]),
      live([], [{ name: "gone", provider: "ssh", fleet: "payments", state: "running" }]),
    );
    assert.deepEqual(actions(p), { "agents.a": "create" });
  });

  test("a desired docker host owned by someone else is a conflict and its agents wait", () => {
    const spec = host("sandbox");
    const p = plan(
      desired([agent("web", { host: "sandbox" })], [spec]),
      live([], [LOCAL_LIVE, liveHost(spec, { fleet: "other-team" })]),
    );
    assert.deepEqual(p.changes, []);
    assert.equal(p.conflicts.length, 1);
    assert.equal(p.conflicts[0]?.address, "hosts.sandbox");
    assert.match(p.conflicts[0]?.message ?? "", /other-team.*agents\.web/);
  });

  test("an owned host running agents of no fleet is kept, as a conflict", () => {
    const spec = host("sandbox");
    const p = plan(
      desired([]),
      live([liveAgent(agent("by-hand", { host: "sandbox" }), { fleet: null })], [liveHost(spec)]),
    );
    assert.deepEqual(p.changes, []);
    assert.match(p.conflicts[0]?.message ?? "", /by-hand/);
  });

  test("an unreadable docker host is neither created nor planned for", () => {
    const p = plan(
      desired([agent("web", { host: "sandbox" })], [host("sandbox")]),
      live([], [LOCAL_LIVE], [hostError("sandbox", "docker", "docker daemon not running")]),
    );
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.hostErrors[0]?.unplanned, ["agents.web", "hosts.sandbox"]);
  });
});

describe("computePlan: host dependencies", () => {
  test("a replaced host waits for the deletes of agents on it", () => {
    const old = host("sandbox", "docker", { config: { image: "fleet/base:old" } });
    const retired = agent("retired", { host: "sandbox" });
    const p = plan(
      desired([], [host("sandbox")]),
      live([liveAgent(retired)], [LOCAL_LIVE, liveHost(old)]),
    );
    assert.deepEqual(actions(p), { "hosts.sandbox": "replace", "agents.retired": "delete" });
    assert.deepEqual(changeAt(p, "hosts.sandbox").dependsOn, ["agents.retired"]);
    assert.deepEqual(changeAt(p, "agents.retired").dependsOn, []);
  });

  test("deleting an agent on a stopped host waits for the host to start", () => {
    const spec = host("sandbox");
    const p = plan(
      desired([], [spec]),
      live(
        [liveAgent(agent("retired", { host: "sandbox" }))],
        [liveHost(spec, { state: "stopped" })],
      ),
    );
    assert.deepEqual(changeAt(p, "agents.retired").dependsOn, ["hosts.sandbox"]);
  });
});
