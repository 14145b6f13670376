/** `fleet rename OLD NEW [--keep-branch]`: the same agent, under a new name. */
import { renameAgent } from "../../core/actions/rename-agent.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

interface RenameOptions extends CommonOptions {
  keepBranch?: boolean;
}

export async function run(ref: string, name: string, options: RenameOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const result = await renameAgent(
    { ref, name, keepBranch: options.keepBranch === true },
    context,
    process.env,
  );
  if (context.format === "json") {
    printJson({ renamed: result });
    return;
  }
  const { branch } = result;
  const lines = [`Renamed ${result.from}@${result.host} to ${result.to} (${result.state}).`];
  if (branch !== null) {
    lines.push(
      branch.before === branch.after
        ? `Its branch stays ${branch.before}.`
        : `Its branch ${branch.before} is now ${branch.after}.`,
    );
  }
  printText(lines.join("\n"));
}
