import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fleetNameFor, starterFleetFile } from "../../core/config/starter.ts";
import { FleetError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

export async function run(
  options: CommonOptions & { name?: string; force?: boolean },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const path = join(process.cwd(), "fleet.yaml");
  if (existsSync(path) && options.force !== true) {
    throw new FleetError("FILE_EXISTS", `${path} already exists`, {
      hint: "pass --force to overwrite it",
    });
  }
  const name = options.name ?? fleetNameFor(process.cwd());
  await writeFile(path, starterFleetFile(name));
  if (context.format === "json") printJson({ created: path, fleet: name });
  else printText(`Wrote ${path}. Next: fleet plan, then fleet apply.`);
}
