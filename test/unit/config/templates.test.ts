import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  builtinTemplateNames,
  loadBuiltinTemplate,
} from "../../../src/core/config/builtin-templates.ts";
import { agentTypeNames } from "../../../src/core/registry.ts";
import { loadYaml, yamlProblems } from "./helpers.ts";

describe("built-in templates", () => {
  test("include claude, codex and opencode presets", () => {
    for (const name of ["claude", "codex", "opencode"]) {
      assert.ok(builtinTemplateNames().includes(name), name);
      assert.equal(loadBuiltinTemplate(name)?.agent, name);
    }
  });

  test("are all valid and use known agent types", () => {
    for (const name of builtinTemplateNames()) {
      const template = loadBuiltinTemplate(name);
      assert.ok(template, name);
      assert.ok(agentTypeNames().includes(template.agent ?? ""), `${name}: ${template.agent}`);
    }
  });

  test("an unknown name is undefined, and cannot reach outside templates/", () => {
    assert.equal(loadBuiltinTemplate("no-such-template"), undefined);
    assert.equal(loadBuiltinTemplate("../package"), undefined);
  });

  test("are usable by name when the file does not define them", async () => {
    const desired = await loadYaml(
      "version: 1\nname: t\nagents:\n  helper: { template: codex, args: [--full-auto] }\n",
    );
    const [helper] = desired.agents;
    assert.equal(helper?.agent, "codex");
    assert.equal(helper?.template, "codex");
    assert.deepEqual(helper?.args, ["--full-auto"]);
    assert.deepEqual(helper?.labels, { vendor: "openai" });
  });

  test("a template of the same name in the file takes precedence", async () => {
    const desired = await loadYaml(
      "version: 1\nname: t\ntemplates:\n  codex: { agent: command, command: echo mine }\nagents:\n  a: { template: codex }\n",
    );
    assert.equal(desired.agents[0]?.agent, "command");
    assert.equal(desired.agents[0]?.command, "echo mine");
  });
});

describe("template inheritance", () => {
  test("applies an extends chain base-first, merging env and labels by key", async () => {
    const desired = await loadYaml(`version: 1
name: t
templates:
  base: { agent: command, command: base, env: { A: "1", B: "1" }, labels: { x: base }, args: [one] }
  middle: { extends: base, env: { B: "2", C: "2" }, args: [two] }
  top: { extends: middle, command: top, labels: { y: top } }
agents:
  a: { template: top, env: { C: "3" } }
`);
    const [a] = desired.agents;
    assert.equal(a?.command, "top");
    assert.deepEqual(a?.env, { A: "1", B: "2", C: "3" });
    assert.deepEqual(a?.labels, { x: "base", y: "top" });
    assert.deepEqual(a?.args, ["two"]);
  });

  test("idleTimeout in an agent turns idle shutdown back on over a template's idle: disabled", async () => {
    const desired = await loadYaml(`version: 1
name: t
templates:
  forever: { agent: command, command: x, idle: disabled }
agents:
  kept: { template: forever }
  timed: { template: forever, idleTimeout: 5m }
  default: { command: x }
`);
    assert.deepEqual(
      desired.agents.map((spec) => [spec.name, spec.idleTimeout]),
      [
        ["kept", null],
        ["timed", 300_000],
        ["default", 900_000],
      ],
    );
  });

  test("a template that extends itself is an error unless a built-in has that name", async () => {
    assert.deepEqual(
      await yamlProblems(
        "version: 1\nname: t\ntemplates:\n  mine: { extends: mine, command: x }\n",
      ),
      [
        '4:20 templates.mine.extends: template "mine" extends itself (only a built-in template can be extended by its own name)',
      ],
    );
  });

  test("errors in templates no agent uses are still reported", async () => {
    assert.deepEqual(
      await yamlProblems(
        "version: 1\nname: t\ntemplates:\n  lonely: { extends: nothing-like-it }\n",
      ),
      [
        '4:22 templates.lonely.extends: unknown template "nothing-like-it" (known: lonely, claude, codex, opencode, shell)',
      ],
    );
  });
});
