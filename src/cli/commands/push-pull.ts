/** `fleet pull NAME` and `fleet push NAME`: an agent's branch between its host and a repo here. */
import { pullAgentWork, pushAgentWork, type SyncResult } from "../../core/host/git-sync.ts";
import { findAgent, withHostLock } from "../../core/actions/agent-target.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { plural } from "../render/plural.ts";

interface SyncOptions extends CommonOptions {
  repo?: string;
  force?: boolean;
}

export async function runPull(ref: string, options: SyncOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { agent, handle } = await findAgent(ref, context);
  const repo = options.repo ?? agent.spec.workdir?.from ?? process.cwd();
  const result = await pullAgentWork(
    handle,
    agent.name,
    repo,
    options.force === true ? { force: true } : {},
  );
  report("pull", result, context.format);
}

export async function runPush(ref: string, options: SyncOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const { agent, handle } = await findAgent(ref, context);
  const repo = options.repo ?? agent.spec.workdir?.from ?? process.cwd();
  const result = await withHostLock(handle, () => pushAgentWork(handle, agent.name, repo));
  report("push", result, context.format);
}

function report(direction: "pull" | "push", result: SyncResult, format: string): void {
  if (format === "json") {
    printJson({ [direction === "pull" ? "pulled" : "pushed"]: result });
    return;
  }
  const where = `${result.agent}@${result.host}`;
  const lines: string[] = [];
  if (result.shared) {
    lines.push(
      `${where} works in a worktree of ${result.repo}: branch ${result.branch} is already shared, nothing to ${direction}.`,
    );
  } else if (result.commits === 0) {
    lines.push(`Branch ${result.branch} is up to date (${where}, ${result.repo}).`);
  } else if (direction === "pull") {
    lines.push(
      `Pulled ${plural(result.commits, "commit")} from ${where} into branch ${result.branch} of ${result.repo}${result.forced ? " (forced: your previous tip was replaced)" : ""}.`,
    );
  } else {
    lines.push(
      `Pushed ${plural(result.commits, "commit")} of branch ${result.branch} to ${where}.`,
    );
  }
  if (result.uncommitted > 0) {
    lines.push(
      `Note: the agent has ${plural(result.uncommitted, "file")} with uncommitted changes; only commits move.`,
    );
  }
  printText(lines.join("\n"));
}
