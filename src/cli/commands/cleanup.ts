/** `fleet cleanup [--older-than D] [--idle-for D] [--stop|--destroy] [-l SEL] [--dry-run] [-y]` */
import { cleanupAgents, type CleanupRequest } from "../../core/actions/cleanup-agents.ts";
import {
  type CleanupCandidate,
  type CleanupCriteria,
  criteriaWords,
  parseCleanupCriteria,
} from "../../core/cleanup/cleanup-select.ts";
import { formatDuration } from "../../core/config/units.ts";
import { usageError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { savedWorkLines } from "../render/apply-summary.ts";

interface CleanupCommandOptions extends CleanupRequest, CommonOptions {
  yes?: boolean;
}

const ago = (ms: number | null): string =>
  ms === null ? "a user is attached" : formatDuration(Math.floor(ms / 1000) * 1000);

function planLines(candidates: readonly CleanupCandidate[], criteria: CleanupCriteria): string[] {
  const verb = criteria.action === "destroy" ? "destroyed" : "stopped";
  return [
    `${candidates.length} agent${candidates.length === 1 ? "" : "s"} ${criteriaWords(criteria)} will be ${verb}:`,
    ...candidates.map(
      ({ agent, age, idle }) =>
        `  ${agent.name}@${agent.host}  ${agent.state}  age ${ago(age)}  idle ${ago(idle)}`,
    ),
  ];
}

const candidateJson = ({ agent, age, idle }: CleanupCandidate) => ({
  agent: agent.name,
  host: agent.host,
  state: agent.state,
  ageSeconds: Math.floor(age / 1000),
  idleSeconds: idle === null ? null : Math.floor(idle / 1000),
});

export async function run(options: CleanupCommandOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  parseCleanupCriteria(options); // a usage error comes before the question of confirmation
  if (options.dryRun !== true && options.yes !== true && !process.stdin.isTTY) {
    throw usageError(
      "refusing to clean up without confirmation: stdin is not a terminal",
      "pass -y (--yes) to go ahead without asking, or --dry-run to see what it would do",
    );
  }
  const json = context.format === "json";
  const outcome = await cleanupAgents(options, context, async (candidates, criteria) => {
    if (options.yes === true) return true;
    if (!json) printText(planLines(candidates, criteria).join("\n"));
    const unsaved = criteria.action === "destroy" ? " Unsaved work is kept in ~/.fleet/saved." : "";
    return context.io.confirm(
      `${criteria.action === "destroy" ? "Destroy" : "Stop"} them?${unsaved}`,
      false,
    );
  });
  const { criteria, candidates } = outcome;
  const base = {
    action: criteria.action,
    dryRun: options.dryRun === true,
    candidates: candidates.map(candidateJson),
  };
  if (outcome.status === "none") {
    if (json) printJson({ ...base, changed: [], kept: [], destroyed: [], removedHosts: [] });
    else printText(`No agents matched: none made by fleet create is ${criteriaWords(criteria)}.`);
    return;
  }
  if (outcome.status === "dry-run") {
    if (json) printJson({ ...base, changed: [], kept: [], destroyed: [], removedHosts: [] });
    else
      printText([...planLines(candidates, criteria), "Dry run: nothing was changed."].join("\n"));
    return;
  }
  if (outcome.status === "declined") {
    printText("Cleanup cancelled; nothing was changed.");
    process.exitCode = 1;
    return;
  }
  const { changed, kept, destroyed, removedHosts } = outcome;
  if (json) {
    printJson({ ...base, changed, kept, destroyed, removedHosts });
    return;
  }
  const lines: string[] = [];
  if (options.yes === true) lines.push(...planLines(candidates, criteria));
  for (const name of kept) lines.push(`Kept ${name}: it is no longer ${criteriaWords(criteria)}.`);
  if (criteria.action === "stop") {
    if (changed.length > 0) lines.push(`Stopped ${changed.join(", ")}.`);
  } else {
    for (const result of destroyed) {
      lines.push(`Destroyed ${result.agent}@${result.host}.`);
      lines.push(...savedWorkLines(`${result.agent}@${result.host}`, result.saved));
    }
    for (const host of removedHosts) {
      lines.push(
        `Removed host ${host.host}: \`fleet create --snapshot\` made it, and its last agent is gone.`,
      );
    }
  }
  printText(lines.join("\n"));
}
