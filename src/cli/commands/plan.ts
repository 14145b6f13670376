import { planDesired } from "../../core/actions/plan-apply.ts";
import { hasChanges } from "../../core/plan/compute.ts";
import { writePlanFile } from "../../core/plan/plan-file.ts";
import { type CommonOptions, cliContext } from "../context.ts";
import { loadDesired } from "../../core/actions/plan-apply.ts";
import { renderPlanJson } from "../render/plan-json.ts";
import { renderPlanMarkdown } from "../render/plan-markdown.ts";
import { renderPlanText } from "../render/plan-text.ts";

interface PlanOptions extends CommonOptions {
  file?: string;
  out?: string;
  detailedExitcode?: boolean;
  engine?: string;
  stack?: string;
}

export async function run(options: PlanOptions): Promise<void> {
  const context = cliContext(options, ["text", "json", "markdown"], "text");
  const desired = await loadDesired(options.file);
  const { plan } = await planDesired(desired, context, {
    ...(options.engine === undefined ? {} : { engine: options.engine }),
    ...(options.stack === undefined ? {} : { stack: options.stack }),
  });
  if (options.out) {
    await writePlanFile(options.out, plan, desired);
    context.io.notify({
      level: "info",
      code: "plan.saved",
      message: `Saved the plan to ${options.out}; apply it with: fleet apply ${options.out}`,
    });
  }
  const rendered =
    context.format === "json"
      ? renderPlanJson(plan)
      : context.format === "markdown"
        ? renderPlanMarkdown(plan)
        : renderPlanText(plan, { color: context.color });
  process.stdout.write(rendered.endsWith("\n") ? rendered : rendered + "\n");
  const incomplete =
    plan.hostErrors.length > 0 ||
    plan.conflicts.length > 0 ||
    (plan.missingSecrets ?? []).length > 0;
  if (incomplete) process.exitCode = 1;
  else if (options.detailedExitcode && hasChanges(plan)) process.exitCode = 2;
}
