import { destroyNamedAgents } from "../../core/actions/destroy-agent.ts";
import { findFleetFile } from "../../core/config/load.ts";
import { usageError } from "../../core/errors.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";
import { loadDesired } from "../../core/actions/plan-apply.ts";
import { savedWorkLines } from "../render/apply-summary.ts";
import { type ApplyCommandOptions, applyDesired, finish } from "./apply.ts";

export async function run(
  agents: string[],
  options: ApplyCommandOptions & CommonOptions & { selector?: string[] },
): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (agents.length > 0 || (options.selector ?? []).length > 0) {
    await destroyAgents(agents, options, context);
    return;
  }
  const desired = await loadDesired(options.file);
  const empty = { ...desired, agents: [], hosts: [] };
  const applied = await applyDesired(
    empty,
    context,
    options,
    undefined,
    `Destroy everything fleet "${desired.fleet}" owns?`,
    { fileHosts: desired.hosts },
  );
  finish(applied, context, "Destroy");
}

async function destroyAgents(
  refs: string[],
  options: ApplyCommandOptions & { selector?: string[] },
  context: CliContext,
): Promise<void> {
  if (options.yes !== true && !process.stdin.isTTY) {
    throw usageError(
      "refusing to destroy without confirmation: stdin is not a terminal",
      "pass -y (--yes) to destroy without asking",
    );
  }
  const outcome = await destroyNamedAgents(refs, options.selector ?? [], context, (targets) =>
    options.yes === true
      ? Promise.resolve(true)
      : context.io.confirm(
          `Destroy ${targets.map((t) => `${t.name}@${t.host}`).join(", ")}? Unsaved work is kept in ~/.fleet/saved.`,
          false,
        ),
  );
  if (outcome.status === "none") {
    if (context.format === "json") printJson({ destroyed: [], removedHosts: [] });
    else process.stdout.write("No agents matched.\n");
    return;
  }
  if (outcome.status === "declined") {
    process.stdout.write("Destroy cancelled; nothing was changed.\n");
    process.exitCode = 1;
    return;
  }
  const { destroyed, removedHosts, fileOwned } = outcome;
  if (fileOwned.length > 0 && hasFleetFile(options.file)) {
    context.io.notify({
      level: "warn",
      code: "destroy.still-declared",
      message: `${fileOwned.join(", ")} ${fileOwned.length === 1 ? "belongs" : "belong"} to a fleet file; the next \`fleet apply\` creates ${fileOwned.length === 1 ? "it" : "them"} again unless removed from it`,
    });
  }
  if (context.format === "json") {
    printJson({ destroyed, removedHosts });
    return;
  }
  const lines: string[] = [];
  for (const result of destroyed) {
    lines.push(`Destroyed ${result.agent}@${result.host}.`);
    lines.push(...savedWorkLines(`${result.agent}@${result.host}`, result.saved));
  }
  for (const host of removedHosts) {
    const image = host.snapshot === undefined ? "" : ` (the image ${host.snapshot} is kept)`;
    lines.push(
      `Removed host ${host.host}: \`fleet create --snapshot\` made it, and its last agent is gone${image}.`,
    );
  }
  printText(lines.join("\n"));
}

function hasFleetFile(file: string | undefined): boolean {
  try {
    findFleetFile(process.cwd(), file);
    return true;
  } catch {
    return false;
  }
}
