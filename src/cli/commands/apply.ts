import type { AppliedFleet } from "../../core/apply/apply-fleet.ts";
import { applyDesired as applyCore, loadDesired } from "../../core/actions/plan-apply.ts";
import { usageError } from "../../core/errors.ts";
import type { DesiredState } from "../../core/model.ts";
import { readPlanFile } from "../../core/plan/plan-file.ts";
import type { Plan } from "../../core/plan/types.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";
import { gracefulInterrupt } from "../interrupt.ts";
import { renderApplySummary, type SummaryVerb } from "../render/apply-summary.ts";
import { renderPlanText } from "../render/plan-text.ts";

export interface ApplyCommandOptions extends CommonOptions {
  file?: string;
  yes?: boolean;
  parallelism?: string;
  engine?: string;
  stack?: string;
}

export async function run(
  planPath: string | undefined,
  options: ApplyCommandOptions,
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  let desired: DesiredState;
  let savedPlan: Plan | undefined;
  if (planPath !== undefined) {
    if (options.file) throw usageError("give either a saved plan or -f FILE, not both");
    ({ plan: savedPlan, desired } = await readPlanFile(planPath));
  } else {
    desired = await loadDesired(options.file);
  }
  const applied = await applyDesired(desired, context, options, savedPlan);
  finish(applied, context);
}

/**
 * Shared by apply and destroy: confirmation rules, Ctrl-C, engine choice.
 * `destroy` carries the fleet file's hosts, whose leftovers go too.
 */
export async function applyDesired(
  desired: DesiredState,
  context: CliContext,
  options: ApplyCommandOptions,
  savedPlan?: Plan,
  question = "Apply these changes?",
  destroy?: { fileHosts: DesiredState["hosts"] },
): Promise<AppliedFleet> {
  // --parallelism, else the configured one (fleet config), else 8.
  const parallelism = Number(options.parallelism ?? context.env.settings?.parallelism ?? 8);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw usageError(
      `--parallelism must be a whole number of at least 1, not "${options.parallelism ?? ""}"`,
    );
  }
  if (options.parallelism === undefined && context.env.settings?.parallelism !== undefined) {
    context.io.notify({
      level: "debug",
      code: "apply.parallelism",
      message: `parallelism ${parallelism} (fleet config)`,
    });
  }
  // A reviewed saved plan needs no second confirmation; anything else does, and
  // without a terminal to ask on we refuse rather than guess.
  const mustAsk = savedPlan === undefined && options.yes !== true;
  if (mustAsk && !process.stdin.isTTY) {
    throw usageError(
      "refusing to change anything without confirmation: stdin is not a terminal",
      "pass -y (--yes) to proceed without asking, or review first with `fleet plan -o plan.json` and run `fleet apply plan.json`",
    );
  }
  const interrupt = gracefulInterrupt(context.io);
  const confirm = async ({ plan }: { plan: Plan }): Promise<boolean> => {
    if (context.format !== "json")
      process.stdout.write(renderPlanText(plan, { color: context.color }) + "\n");
    return mustAsk ? context.io.confirm(question, false) : true;
  };
  try {
    return await applyCore(desired, context, {
      parallelism,
      ...(options.engine === undefined ? {} : { engine: options.engine }),
      ...(options.stack === undefined ? {} : { stack: options.stack }),
      ...(savedPlan ? { savedPlan } : {}),
      ...(destroy ? { destroy } : {}),
      signal: interrupt.signal,
      confirm,
    });
  } finally {
    interrupt.dispose();
  }
}

export function finish(
  applied: AppliedFleet,
  context: CliContext,
  verb: SummaryVerb = "Apply",
): void {
  // A host that could not be read was not planned for: say so, whatever else was done.
  for (const { host, provider, error } of applied.plan.hostErrors) {
    context.io.notify({
      level: "error",
      code: "apply.host-unreadable",
      message: `host ${host} (${provider}) could not be read, so nothing was planned or changed there: ${error.message}`,
    });
  }
  if (context.format === "json") {
    printJson({
      format_version: "1.0",
      fleet: applied.desired.fleet,
      changed: applied.result !== undefined,
      declined: applied.declined,
      ok: applied.result?.ok ?? !applied.declined,
      outcomes: applied.result?.outcomes ?? [],
      hostErrors: applied.plan.hostErrors,
    });
  } else {
    printText(renderApplySummary(applied, verb));
  }
  if (applied.result && !applied.result.ok) process.exitCode = 1;
  if (applied.plan.hostErrors.length > 0) process.exitCode = 1;
  if (applied.declined) process.exitCode = 1;
}
