import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fleetJsonSchema, fleetJsonSchemaText } from "../../../src/core/config/json-schema.ts";
import { repoRoot } from "./helpers.ts";

describe("docs/fleet.schema.json", () => {
  test("is up to date with the zod schema (regenerate: node scripts/gen-schema.ts)", () => {
    const committed = readFileSync(join(repoRoot, "docs", "fleet.schema.json"), "utf8");
    assert.equal(committed, fleetJsonSchemaText());
  });

  test("describes strict objects, so editors flag unknown keys", () => {
    const schema = fleetJsonSchema() as {
      additionalProperties: unknown;
      required: string[];
      $defs: Record<string, { additionalProperties?: unknown }>;
    };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required.sort(), ["name", "version"]);
    for (const name of ["Agent", "Template", "Host", "Defaults", "Service", "Network"]) {
      assert.equal(schema.$defs[name]?.additionalProperties, false, name);
    }
  });
});
