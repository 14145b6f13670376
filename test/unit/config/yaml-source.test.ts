import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseYamlSource } from "../../../src/core/config/yaml-source.ts";

const messages = (text: string): string[] =>
  parseYamlSource(text).findings.map(
    (f) => `${f.position?.line}:${f.position?.column} ${f.path.join(".")}: ${f.message}`,
  );

describe("duplicate keys in YAML", () => {
  test("one inside a flow map is found, with where the first one is", () => {
    assert.deepEqual(messages("agents:\n  docs: { agent: codex, agent: claude }\n"), [
      '2:25 agents.docs.agent: duplicate key "agent" (first defined at line 2)',
    ]);
  });

  test("one in a map inside a list is found", () => {
    assert.deepEqual(messages("services:\n  - name: a\n    port: 1\n    name: b\n"), [
      '4:5 services.0.name: duplicate key "name" (first defined at line 2)',
    ]);
  });

  test("each of several is found, in document order", () => {
    assert.deepEqual(messages("a: 1\nb: 2\na: 3\nb: 4\n").length, 2);
  });

  test("the same key in two maps is no duplicate", () => {
    assert.deepEqual(messages("x: { a: 1 }\ny: { a: 2 }\n"), []);
  });

  test("5,000 agents read in linear time", () => {
    const agents = Array.from({ length: 5000 }, (_, i) => `  a${i}: { agent: command }`);
    const source = parseYamlSource(`agents:\n${agents.join("\n")}\n`);
    assert.deepEqual(source.findings, []);
    assert.equal(Object.keys((source.data as { agents: object }).agents).length, 5000);
  });
});
