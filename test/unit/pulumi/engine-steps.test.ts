/**
 * The pure pieces of the Pulumi engine: Pulumi's steps read as fleet's plan
 * changes, the provider's diff rules (the native plan's), adoption, stack names,
 * and the saved-work report.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StepEventMetadata } from "@pulumi/pulumi/automation/index.js";
import { adoptable } from "../../../src/engines/pulumi/adopt.ts";
import { changeOfStep } from "../../../src/engines/pulumi/engine-steps.ts";
import { diffAgentResource } from "../../../src/engines/pulumi/provider/agent-resource.ts";
import { diffHostResource } from "../../../src/engines/pulumi/provider/host-resource.ts";
import type {
  AgentInputs,
  AgentOutputs,
  HostOutputs,
} from "../../../src/engines/pulumi/resource-types.ts";
import { stackNameFor } from "../../../src/engines/pulumi/stack-workspace.ts";
import { parseSavedReport } from "../../../src/engines/pulumi/update-progress.ts";
import { DEFAULT_HOST } from "../../../src/core/model.ts";
import { agent, desired, FLEET, host, live, liveAgent } from "../plan/fixtures.ts";

const urn = (type: string, name: string) => `urn:pulumi:dev::fleet::${type}::${name}`;
const inputs = (overrides: Partial<AgentInputs> = {}): AgentInputs => ({
  ...agent("web"),
  fleet: FLEET,
  hostSpec: DEFAULT_HOST,
  ...overrides,
});
const outputs = (overrides: Partial<AgentOutputs> = {}): AgentOutputs => ({
  ...inputs(),
  state: "RUNNING",
  specHash: "h",
  deadServices: [],
  ...overrides,
});

function step(
  op: StepEventMetadata["op"],
  old?: object,
  next?: object,
  extra: Partial<StepEventMetadata> = {},
): StepEventMetadata {
  return {
    op,
    urn: urn("fleet:index:Agent", "web"),
    type: "fleet:index:Agent",
    provider: "",
    ...(old
      ? {
          old: {
            type: "fleet:index:Agent",
            urn: "",
            id: "local/web",
            parent: "",
            provider: "",
            inputs: old as Record<string, unknown>,
            outputs: old as Record<string, unknown>,
          },
        }
      : {}),
    ...(next
      ? {
          new: {
            type: "fleet:index:Agent",
            urn: "",
            id: "local/web",
            parent: "",
            provider: "",
            inputs: next as Record<string, unknown>,
            outputs: next as Record<string, unknown>,
          },
        }
      : {}),
    ...extra,
  };
}

describe("Pulumi steps as plan changes", () => {
  test("a create is the agent's create, with its spec and host", () => {
    const change = changeOfStep(step("create", undefined, inputs()));
    assert.equal(change?.address, "agents.web");
    assert.equal(change?.action, "create");
    assert.equal(change?.host, "local");
    assert.equal(change?.provider, "local");
    assert.equal(change?.before, null);
    assert.deepEqual(change?.after, agent("web"));
  });

  test("a replace lists the field that forces it, as a native plan does", () => {
    const change = changeOfStep(
      step("replace", outputs(), inputs({ args: ["--new"] }), { keys: ["args"] }),
    );
    assert.equal(change?.action, "replace");
    assert.deepEqual(
      change?.fields.map((f) => [f.field, f.forcesReplacement]),
      [["args", true]],
    );
    assert.deepEqual(change?.reasons, ["args changed (forces replacement)"]);
  });

  test("an update of an agent whose session is gone says so", () => {
    const change = changeOfStep(step("update", outputs({ state: "MISSING" }), inputs()));
    assert.equal(change?.action, "update");
    assert.match(change?.reasons.join(" ") ?? "", /session is gone/);
  });

  test("an import is a noop saying the agent is adopted; the halves of a replace are folded away", () => {
    assert.equal(changeOfStep(step("import", undefined, inputs()))?.action, "noop");
    assert.match(
      changeOfStep(step("import", undefined, inputs()))?.reasons[0] ?? "",
      /adopted into the stack/,
    );
    assert.equal(changeOfStep(step("create-replacement", outputs(), inputs())), undefined);
    assert.equal(changeOfStep(step("delete-replaced", outputs(), inputs())), undefined);
    assert.equal(changeOfStep(step("refresh", outputs(), inputs())), undefined);
  });

  test("a secret is shown sensitive, and resources not fleet's are left out", () => {
    const change = changeOfStep(step("update", outputs(), inputs({ secrets: ["TOKEN"] })));
    assert.deepEqual(
      change?.fields.map((f) => [f.field, f.sensitive]),
      [["secrets", true]],
    );
    const stack = {
      ...step("create"),
      type: "pulumi:pulumi:Stack",
      urn: urn("pulumi:pulumi:Stack", "fleet-dev"),
    };
    assert.equal(changeOfStep(stack), undefined);
  });
});

describe("the provider's diff", () => {
  test("in-place fields update, others replace (old first), the host replaces", () => {
    assert.deepEqual(diffAgentResource(outputs(), inputs()), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
    assert.deepEqual(diffAgentResource(outputs(), inputs({ labels: { team: "x" } })).replaces, []);
    assert.equal(diffAgentResource(outputs(), inputs({ labels: { team: "x" } })).changes, true);
    assert.deepEqual(diffAgentResource(outputs(), inputs({ env: { A: "1" } })).replaces, ["env"]);
    const moved = diffAgentResource(outputs(), inputs({ hostSpec: host("box", "docker") }));
    assert.deepEqual(moved.replaces, ["hostSpec"]);
  });

  test("a missing session or a dead service is a change; a stopped docker host is started", () => {
    assert.equal(diffAgentResource(outputs({ state: "MISSING" }), inputs()).changes, true);
    assert.equal(diffAgentResource(outputs({ deadServices: ["web"] }), inputs()).changes, true);
    assert.equal(diffAgentResource(outputs({ state: "STOPPED" }), inputs()).changes, false);
    const declared = { ...host("box", "docker"), fleet: FLEET };
    const box: HostOutputs = { ...declared, state: "stopped" };
    assert.equal(diffHostResource(box, declared).changes, true);
    assert.equal(diffHostResource({ ...box, state: "running" }, declared).changes, false);
    const reimaged = { ...declared, config: { image: "other" } };
    assert.deepEqual(diffHostResource({ ...box, state: "running" }, reimaged).replaces, ["config"]);
  });
});

describe("adoption", () => {
  test("only an agent running exactly as declared, owned by the fleet and not in the stack", () => {
    const web = agent("web");
    const api = agent("api", { args: ["--x"] });
    const gone = agent("gone");
    const theirs = agent("theirs");
    const state = live([
      liveAgent(web),
      liveAgent({ ...api, args: ["--old"] }),
      liveAgent(gone, { state: "MISSING" }),
      liveAgent(theirs, { fleet: "other" }),
    ]);
    const d = desired([web, api, gone, theirs, agent("held")]);
    assert.deepEqual([...adoptable(d, state, new Set())], [["web", "local/web"]]);
    assert.deepEqual([...adoptable(d, state, new Set(["web"]))], []);
  });
});

describe("stack names and the saved-work report", () => {
  test("stacks/NAME/fleet.yaml is stack NAME; else the fleet's name; --stack wins; bad names refused", () => {
    const d = desired([]);
    assert.equal(stackNameFor({ ...d, source: "/repo/stacks/staging/fleet.yaml" }), "staging");
    assert.equal(stackNameFor({ ...d, source: "/repo/fleet.yaml" }), FLEET);
    assert.equal(stackNameFor({ ...d, source: "/repo/stacks/staging/fleet.yaml" }, "prod"), "prod");
    assert.throws(() => stackNameFor(d, "no spaces"), /not a valid stack name/);
  });

  test("each line says where an address's work went; a torn line is skipped", () => {
    const work = { kind: "branch", location: "fleet/web", description: "branch fleet/web" };
    const saved = parseSavedReport(
      `${JSON.stringify({ address: "agents.web", saved: [work] })}\n{"addr`,
    );
    assert.deepEqual([...saved], [["agents.web", [work]]]);
  });
});
