/**
 * Saved plans (`fleet plan -o FILE`, `fleet apply FILE`). The file holds the
 * plan and the desired state it was computed from, so apply can recompute the
 * live fingerprint and refuse a stale plan. It carries no secret values: the
 * model only ever has secret names.
 */
import { randomBytes } from "node:crypto";
import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { FleetError } from "../errors.ts";
import type { DesiredState } from "../model.ts";
import { PLAN_FILE_KIND, planFileHeaderSchema, planFileSchema } from "./plan-schema.ts";
import type { Plan } from "./types.ts";
import { PLAN_FORMAT_VERSION } from "./types.ts";

export interface PlanFile {
  format_version: typeof PLAN_FORMAT_VERSION;
  kind: typeof PLAN_FILE_KIND;
  plan: Plan;
  desired: DesiredState;
}

function invalid(path: string, message: string, cause?: unknown): FleetError {
  return new FleetError("PLAN_INVALID", message, {
    hint: `make a new plan with \`fleet plan -o ${path}\` and apply that`,
    details: { path },
    cause,
  });
}

/**
 * Writes the plan file atomically (a reader never sees half a file). `mode`:
 * 0644 for a plan meant for review; the MCP server keeps its plans 0600.
 */
export async function writePlanFile(
  path: string,
  plan: Plan,
  desired: DesiredState,
  options: { mode?: number } = {},
): Promise<void> {
  if (plan.fleet !== desired.fleet) {
    throw new FleetError(
      "PLAN_INVALID",
      `the plan is for fleet "${plan.fleet}" but the desired state is for "${desired.fleet}"`,
      { fault: "system" },
    );
  }
  const file: PlanFile = {
    format_version: PLAN_FORMAT_VERSION,
    kind: PLAN_FILE_KIND,
    plan,
    desired,
  };
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: options.mode ?? 0o644 });
    // A mode asked for is set exactly, whatever the umask; the default obeys the umask.
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    // The temp file's name in a raw ENOENT would only confuse: say what is wrong with the path.
    const reason =
      code === "ENOENT"
        ? `directory ${dirname(path)} does not exist`
        : code === "EACCES"
          ? `permission denied`
          : error instanceof Error
            ? error.message
            : String(error);
    throw new FleetError("PLAN_WRITE_FAILED", `could not save the plan to ${path}: ${reason}`, {
      hint: "check that the directory exists and is writable",
      cause: error,
    });
  }
}

function issueList(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const where = issue.path.map(String).join(".");
    return where === "" ? issue.message : `${where}: ${issue.message}`;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}

/**
 * Reads and checks a plan file. Anything that is not a well-formed plan file of
 * this format version is a FleetError PLAN_INVALID saying why.
 */
export async function readPlanFile(path: string): Promise<{ plan: Plan; desired: DesiredState }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : "cannot be read";
    throw invalid(path, `the plan file ${path} ${why}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(
      path,
      `${path} is not a fleet plan file: it is not valid JSON (${reason})`,
      error,
    );
  }
  const header = planFileHeaderSchema.safeParse(json);
  if (!header.success) {
    throw invalid(path, `${path} is not a fleet plan file (it lacks "kind": "${PLAN_FILE_KIND}")`);
  }
  if (header.data.format_version !== PLAN_FORMAT_VERSION) {
    throw new FleetError(
      "PLAN_INVALID",
      `${path} is in plan format ${JSON.stringify(header.data.format_version)}; this fleet reads format ${PLAN_FORMAT_VERSION}`,
      {
        hint: `make the plan again with this version of fleet: \`fleet plan -o ${path}\``,
        details: { path },
      },
    );
  }
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    throw invalid(path, `${path} is not a valid fleet plan: ${issueList(parsed.error.issues)}`);
  }
  const { plan, desired } = parsed.data;
  if (plan.fleet !== desired.fleet) {
    throw invalid(
      path,
      `${path} is inconsistent: its plan is for fleet "${plan.fleet}" but its desired state is for "${desired.fleet}"`,
    );
  }
  return { plan, desired };
}
