/**
 * Writes docs/fleet.schema.json from the zod schema (src/core/config/schema.ts).
 * Run after changing the schema: `node scripts/gen-schema.ts` (npm run schema).
 * test/unit/config/json-schema.test.ts fails while the file is out of date.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleetJsonSchemaText } from "../src/core/config/json-schema.ts";

const target = join(import.meta.dirname, "..", "docs", "fleet.schema.json");
writeFileSync(target, fleetJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
