/** `fleet migrate AGENT --to HOST`: the agent moves, its work with it; the original goes, its work saved. */
import { migrateAgent } from "../../core/actions/migrate-agent.ts";
import { usageError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { plural } from "../render/plural.ts";

interface MigrateOptions extends CommonOptions {
  to?: string;
}

export async function run(ref: string, options: MigrateOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (options.to === undefined || options.to === "") {
    throw usageError("name the host to move to with --to HOST", `fleet migrate ${ref} --to box`);
  }
  const result = await migrateAgent({ ref, to: options.to }, context, process.env);
  if (context.format === "json") {
    printJson({
      migrated: {
        name: result.name,
        from: result.from,
        to: result.to,
        state: result.agent.state,
        workdir: result.agent.workdir ?? null,
        branch: result.branch,
        uncommitted: result.uncommitted,
        saved: result.saved,
      },
    });
    return;
  }
  const lines = [
    `Moved ${result.name} from ${result.from} to ${result.to}` +
      (result.branch === null
        ? ", with a copy of its work dir."
        : ` on branch ${result.branch}, with ${plural(result.uncommitted, "path")} of uncommitted work.`),
  ];
  for (const saved of result.saved) lines.push(`Saved work of the original: ${saved.description}`);
  lines.push(`Connect with: fleet connect ${result.name}`);
  printText(lines.join("\n"));
}
