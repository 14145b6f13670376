import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadYaml, yamlProblems } from "./helpers.ts";

const head = "version: 1\nname: t\n";

describe("cross-field rules", () => {
  test("secrets must be environment variable names", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}agents:\n  a: { command: x, secrets: [OK_NAME, not-a-name] }\n`),
      [
        '4:39 agents.a.secrets[1]: expected an environment variable name (letters, digits, _), got "not-a-name"',
      ],
    );
  });

  test("agent names must be usable as tmux session names", async () => {
    assert.deepEqual(await yamlProblems(`${head}agents:\n  "my.agent": { command: x }\n`), [
      '4:3 agents["my.agent"]: invalid name "my.agent": expected a name of 1-63 letters, digits, - and _, starting with a letter or digit',
    ]);
  });

  test("agent names differing only in case clash", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}agents:\n  docs: { command: x }\n  Docs: { command: y }\n`),
      [
        '5:3 agents.Docs: agent names "docs" and "Docs" differ only in case (they would share a directory on some file systems)',
      ],
    );
  });

  test("agent type command needs a command, and other types refuse one", async () => {
    assert.deepEqual(
      await yamlProblems(
        `${head}agents:\n  a: { agent: command }\n  b: { agent: codex, command: codex --yolo }\n`,
      ),
      [
        '4:3 agents.a: agent type "command" needs command: the shell command line to run',
        '5:31 agents.b.command: command is only for agent type "command"; "codex" runs its own CLI (pass args instead)',
      ],
    );
  });

  test("an agent with no agent type says how to give one", async () => {
    const [problem] = await yamlProblems(`${head}agents:\n  a: { env: { X: 1 } }\n`);
    assert.match(problem ?? "", /^4:3 agents\.a: no agent type: set agent \(command, claude/);
  });

  test("the host named local must use the local provider", async () => {
    assert.deepEqual(await yamlProblems(`${head}hosts:\n  local: { provider: ssh }\n`), [
      '4:22 hosts.local.provider: host "local" is this machine: its provider must be "local" (name this host differently)',
    ]);
  });

  test("an unknown host named in defaults is reported once, at defaults.host", async () => {
    assert.deepEqual(
      await yamlProblems(
        `${head}defaults: { host: nowhere }\nagents:\n  a: { command: x }\n  b: { command: y }\n`,
      ),
      ['3:19 defaults.host: unknown host "nowhere" (known: local)'],
    );
  });

  test("egress allowlist needs cidrs, and cidrs need egress allowlist", async () => {
    assert.deepEqual(
      await yamlProblems(
        `${head}agents:\n  a: { command: x, network: { egress: allowlist } }\n  b: { command: x, network: { egress: offline, cidrs: [10.0.0.0/8] } }\n`,
      ),
      [
        "4:29 agents.a.network: egress: allowlist needs cidrs (the addresses it allows)",
        "5:55 agents.b.network.cidrs: cidrs apply only to egress: allowlist (this is egress: offline)",
      ],
    );
  });

  test("idle: disabled and an idleTimeout in the same place contradict each other", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}agents:\n  a: { command: x, idle: disabled, idleTimeout: 5m }\n`),
      [
        "4:49 agents.a.idleTimeout: idleTimeout has no effect with idle: disabled (remove one of them)",
      ],
    );
  });

  test("service names are unique per agent and not the agent's own window", async () => {
    assert.deepEqual(
      await yamlProblems(
        `${head}agents:\n  a:\n    command: x\n    services:\n      - { name: agent, command: y }\n      - { name: web, command: y }\n      - { name: web, command: z }\n`,
      ),
      [
        '7:17 agents.a.services[0].name: service name "agent" is taken by the agent\'s own window',
        '9:17 agents.a.services[2].name: duplicate service name "web"',
      ],
    );
  });

  test("a port clash on a template's line names the agent it clashes for", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}templates:
  web: { command: x, services: [{ name: http, command: y, port: 8080 }] }
agents:
  a: { template: web }
  b: { template: web }
`),
      [
        '4:65 templates.web.services[0].port: agent "b": port 8080 on host "local" is already used by agent "a" service "http"',
      ],
    );
  });

  test("fixed ports clash between two local host names: they are one machine", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}hosts:
  laptop: { provider: local }
agents:
  a: { command: x, services: [{ name: web, command: y, port: 8080 }] }
  b: { command: x, host: laptop, services: [{ name: web, command: y, port: 8080 }] }
`),
      [
        '7:76 agents.b.services[0].port: port 8080 on host "laptop" is already used by agent "a" on host "local" (the same machine) service "web"',
      ],
    );
  });

  test("fixed ports may repeat on different machines", async () => {
    const desired = await loadYaml(`${head}hosts:
  other: { provider: ssh, address: dev@build-1 }
agents:
  a: { command: x, services: [{ name: web, command: y, port: 8080 }] }
  b: { command: x, host: other, services: [{ name: web, command: y, port: 8080 }] }
`);
    assert.deepEqual(
      desired.agents.map((spec) => spec.services[0]?.port),
      [8080, 8080],
    );
  });

  test("the work dir source must exist and the branch must be a valid git branch name", async () => {
    const problems = await yamlProblems(
      `${head}agents:\n  a: { command: x, workdir: ./missing }\n  b: { command: x, workdir: { from: ., branch: "has space" } }\n  c: { command: x, workdir: { from: ., branch: "x/{agent}" } }\n`,
    );
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.match(
      problems[0] ?? "",
      /^4:29 agents\.a\.workdir: workdir\.from: no such directory \/.*\/missing$/,
    );
    assert.equal(problems[1], '5:29 agents.b.workdir: "has space" is not a valid git branch name');
    assert.equal(
      problems[2],
      "6:29 agents.c.workdir: unknown placeholder {agent} in branch (use {name} or {fleet})",
    );
  });

  test("an empty file says what a fleet file needs", async () => {
    assert.deepEqual(await yamlProblems(""), [
      "null:null : the fleet file is empty: expected version: 1, name and agents",
    ]);
  });

  test("an unsupported version says which one is supported", async () => {
    assert.deepEqual(await yamlProblems("version: 2\nname: t\n"), [
      "1:10 version: expected version: 1 (the only fleet file format so far), got 2",
    ]);
  });

  test("an enum near-miss gets a suggestion", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}agents:\n  a: { command: x, network: { egress: ofline } }\n`),
      [
        '4:39 agents.a.network.egress: expected one of "open", "offline", "allowlist", got "ofline" — did you mean "offline"?',
      ],
    );
  });

  test("an unknown key inside a workdir mapping is reported at the key", async () => {
    assert.deepEqual(
      await yamlProblems(`${head}agents:\n  a: { command: x, workdir: { frm: . } }\n`),
      [
        "4:20 agents.a.workdir.from: required field missing: expected a string",
        '4:31 agents.a.workdir.frm: unknown key "frm" — did you mean "from"?',
      ],
    );
  });
});
