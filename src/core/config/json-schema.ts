/**
 * The JSON Schema of the fleet file, generated from the zod schema: shipped as
 * docs/fleet.schema.json for editor completion (scripts/gen-schema.ts writes it).
 */
import { z } from "zod";
import { fleetSchemas } from "./schema.ts";

export function fleetJsonSchema(): Record<string, unknown> {
  // "input": the schema of what is written in the file, before coercions.
  const schema = z.toJSONSchema(fleetSchemas().fleet, { io: "input", target: "draft-2020-12" });
  // Top-level x-... keys are ignored by the loader (a place for YAML anchors).
  return { ...schema, title: "fleet file", patternProperties: { "^x-": {} } };
}

/** The file's exact text, so a test can tell when it is out of date. */
export function fleetJsonSchemaText(): string {
  return JSON.stringify(fleetJsonSchema(), null, 2) + "\n";
}
