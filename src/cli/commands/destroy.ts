import { destroyAgents as destroyNamedAgents } from "../../core/apply/destroy-agents.ts";
import { findFleetFile } from "../../core/config/load.ts";
import { usageError } from "../../core/errors.ts";
import { findAgentsOrProblems, findTargets } from "../agent-target.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  printText,
} from "../context.ts";
import { loadDesired } from "../load-fleet.ts";
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
  // Agents whose record is TAMPERED or UNREADABLE can be destroyed by name too:
  // only their own dir is saved and removed, whatever their record says.
  const { targets, live } =
    (options.selector ?? []).length === 0 && refs.length > 0
      ? await findAgentsOrProblems(refs, context)
      : await findTargets(refs, options.selector ?? [], context).then(({ targets, live }) => ({
          live,
          targets: targets.map((t) => ({ ...t, name: t.agent.name, host: t.agent.host })),
        }));
  if (targets.length === 0) {
    if (context.format === "json") printJson({ destroyed: [], removedHosts: [] });
    else process.stdout.write("No agents matched.\n");
    return;
  }
  if (options.yes !== true) {
    if (
      !(await context.io.confirm(
        `Destroy ${targets.map((t) => `${t.name}@${t.host}`).join(", ")}? Unsaved work is kept in ~/.fleet/saved.`,
        false,
      ))
    ) {
      process.stdout.write("Destroy cancelled; nothing was changed.\n");
      process.exitCode = 1;
      return;
    }
  }
  const { destroyed, removedHosts } = await destroyNamedAgents(targets, live, context);
  const fileOwned = targets
    .filter((t) => t.agent !== undefined && t.agent.fleet !== null)
    .map((t) => t.name);
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
