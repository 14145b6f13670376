import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { findFleetFile, loadFleetFile } from "../../../src/core/config/load.ts";
import type { AgentSpec, HostSpec } from "../../../src/core/model.ts";
import { fixtures, loadYaml, registerFakeProviders, repoRoot, tempDir, thrown } from "./helpers.ts";

registerFakeProviders();
const full = join(fixtures, "full");
const env = { HOME: "/home/tester" };
const MiB = 1024 ** 2;

function agent(agents: AgentSpec[], name: string): AgentSpec {
  const found = agents.find((spec) => spec.name === name);
  assert.ok(found, `agent ${name} missing`);
  return found;
}

describe("loading a valid YAML fleet file", async () => {
  const desired = await loadFleetFile(join(full, "fleet.yaml"), env);

  test("names the fleet and its source file", () => {
    assert.equal(desired.fleet, "payments");
    assert.equal(desired.source, join(full, "fleet.yaml"));
  });

  test("merges defaults, a template chain and the agent, the agent winning", () => {
    assert.deepEqual(agent(desired.agents, "api"), {
      name: "api",
      host: "sandbox",
      agent: "command",
      command: "npm run dev",
      args: ["--verbose", "3"],
      env: {
        LOG_LEVEL: "debug",
        REGION: "eu",
        NODE_ENV: "development",
        PORT: "8080",
        DEBUG: "true",
      },
      secrets: ["ANTHROPIC_API_KEY"],
      workdir: { from: join(full, "repo"), branch: "work/payments/api" },
      services: [
        { name: "db", command: "postgres -p $PORT", port: 5432 },
        { name: "cache", command: "redis-server --port $PORT", port: null },
      ],
      labels: { team: "payments", tier: "api" },
      message: "Fix the flaky tests",
      idleTimeout: 20 * 60_000,
      template: "backend",
      network: { egress: "allowlist", cidrs: ["10.0.0.0/8"] },
      resources: { memory: 512 * MiB, cpus: 1.5, pids: 256 },
    } satisfies AgentSpec);
  });

  test("a file template extending a built-in of its own name builds on the built-in", () => {
    const reviewer = agent(desired.agents, "reviewer");
    assert.equal(reviewer.agent, "claude");
    assert.deepEqual(reviewer.args, ["--model", "opus"]);
    assert.deepEqual(reviewer.labels, { team: "payments", vendor: "anthropic" });
    assert.equal(reviewer.host, "box");
  });

  test("idle: disabled gives a null idle timeout", () => {
    assert.equal(agent(desired.agents, "reviewer").idleTimeout, null);
  });

  test("command alone implies agent type command, with a default branch and seconds as a number", () => {
    assert.deepEqual(agent(desired.agents, "watcher"), {
      name: "watcher",
      host: "local",
      agent: "command",
      command: "tail -F app.log",
      args: [],
      env: { LOG_LEVEL: "info", REGION: "eu" },
      secrets: [],
      workdir: { from: join(full, "repo"), branch: "fleet/watcher" },
      services: [],
      labels: { team: "payments" },
      idleTimeout: 90_000,
      snapshot: "fleet/snap:1",
    } satisfies AgentSpec);
  });

  test("hosts resolve paths and sizes; local is always there, first", () => {
    assert.deepEqual(desired.hosts, [
      { name: "local", provider: "local", config: {} },
      {
        name: "sandbox",
        provider: "docker",
        config: {
          image: "fleet/base:bookworm",
          build: { context: join(full, "repo"), dockerfile: join(full, "repo", "Dockerfile.dev") },
        },
        network: { egress: "offline" },
        resources: { cpus: 2, memory: 2048 * MiB },
      },
      {
        name: "box",
        provider: "ssh",
        config: { address: "dev@build-1", port: 2222, identityFile: "/home/tester/.ssh/id_fleet" },
      },
    ] satisfies HostSpec[]);
  });
});

describe("YAML conveniences", () => {
  test("merge keys reuse an anchor kept under a top-level x- key", async () => {
    const desired = await loadYaml(`version: 1
name: t
x-common: &common
  command: echo hi
  env: { A: 1 }
agents:
  a: { <<: *common, labels: { k: v } }
`);
    assert.deepEqual(
      desired.agents.map((spec) => [spec.name, spec.command, spec.env, spec.labels]),
      [["a", "echo hi", { A: "1" }, { k: "v" }]],
    );
  });
});

describe("loading a TypeScript fleet file", () => {
  test("resolves to the same desired state as the equivalent YAML", async () => {
    const fromYaml = await loadFleetFile(join(full, "fleet.yaml"), env);
    const fromTs = await loadFleetFile(join(full, "fleet.ts"), env);
    assert.deepEqual({ ...fromTs, source: "" }, { ...fromYaml, source: "" });
  });

  test('resolves `import { defineFleet } from "fleet"` to fleet\'s own define module', async () => {
    const fromYaml = await loadFleetFile(join(repoRoot, "stacks", "local", "fleet.yaml"));
    const fromTs = await loadFleetFile(join(repoRoot, "stacks", "local", "fleet.ts"));
    assert.deepEqual({ ...fromTs, source: "" }, { ...fromYaml, source: "" });
  });

  test("accepts a plain default-exported object, and reloads it after an edit", async (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const file = dir.write(
      "fleet.ts",
      'export default { version: 1, name: "plain", agents: { a: { command: "true" } } };\n',
    );
    assert.deepEqual(
      (await loadFleetFile(file)).agents.map((spec) => spec.command),
      ["true"],
    );
    dir.write(
      "fleet.ts",
      'export default { version: 1, name: "plain", agents: { a: { command: "false" } } };\n',
    );
    assert.deepEqual(
      (await loadFleetFile(file)).agents.map((spec) => spec.command),
      ["false"],
    );
  });
});

describe("findFleetFile", () => {
  test("prefers fleet.yaml, then fleet.yml, then fleet.ts", (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    dir.write("fleet.ts", "");
    assert.equal(findFleetFile(dir.dir), join(dir.dir, "fleet.ts"));
    dir.write("fleet.yml", "");
    assert.equal(findFleetFile(dir.dir), join(dir.dir, "fleet.yml"));
    dir.write("fleet.yaml", "");
    assert.equal(findFleetFile(dir.dir), join(dir.dir, "fleet.yaml"));
  });

  test("resolves an explicit file against the working directory", (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    dir.write("other.yaml", "");
    assert.equal(findFleetFile(dir.dir, "other.yaml"), join(dir.dir, "other.yaml"));
  });

  test("without a fleet file, fails with CONFIG_NOT_FOUND and suggests fleet init or -f", (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const error = thrown(() => findFleetFile(dir.dir));
    assert.equal(error.code, "CONFIG_NOT_FOUND");
    assert.equal(error.fault, "user");
    assert.match(error.hint ?? "", /fleet init/);
    assert.match(error.hint ?? "", /-f/);
  });

  test("a missing explicit file is CONFIG_NOT_FOUND naming the path", (t) => {
    const dir = tempDir();
    t.after(() => dir.remove());
    const error = thrown(() => findFleetFile(dir.dir, "nope.yaml"));
    assert.equal(error.code, "CONFIG_NOT_FOUND");
    assert.match(error.message, /nope\.yaml/);
  });
});
