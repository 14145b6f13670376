import { findFleetFile, loadFleetFile } from "../../core/config/load.ts";
import { runDoctor } from "../../core/doctor/doctor.ts";
import { isFleetError } from "../../core/errors.ts";
import type { DesiredState } from "../../core/model.ts";
import { safeRendered } from "../../core/text/safe-text.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";
import { renderDoctorText } from "../render/doctor-report.ts";

export async function run(options: CommonOptions & { file?: string }): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const desired = await fleetFileIfAny(options.file);
  const report = await runDoctor(desired ? { desired } : {});
  if (context.format === "json") printJson(report);
  // What programs print about themselves is escaped like any host text; our colours stay.
  else process.stdout.write(safeRendered(renderDoctorText(report, context.color)) + "\n");
  if (!report.ok) process.exitCode = 1;
}

/** `-f FILE` must exist; without it, ./fleet.yaml (or .yml, .ts) is used when there is one. */
async function fleetFileIfAny(file: string | undefined): Promise<DesiredState | undefined> {
  let path: string;
  try {
    path = findFleetFile(process.cwd(), file);
  } catch (error) {
    if (file === undefined && isFleetError(error) && error.code === "CONFIG_NOT_FOUND")
      return undefined;
    throw error;
  }
  // Not validated against the providers: that would contact the hosts doctor is checking for.
  return loadFleetFile(path);
}
