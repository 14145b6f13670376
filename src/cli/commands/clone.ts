/** `fleet clone SRC NEW [--host H] [--conversation]`: a new agent with SRC's spec, branch, uncommitted work and, if asked, conversation. */
import { cloneAgent, type CloneResult } from "../../core/actions/clone-agent.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { plural } from "../render/plural.ts";

interface CloneOptions extends CommonOptions {
  host?: string;
  conversation?: boolean;
}

export async function run(source: string, name: string, options: CloneOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const result = await cloneAgent(
    {
      source,
      name,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.conversation === true ? { conversation: true } : {}),
    },
    context,
    process.env,
  );
  if (context.format === "json") {
    printJson({ cloned: cloneJson(result) });
    return;
  }
  printText(cloneText(result));
}

export function cloneJson(result: CloneResult) {
  return {
    source: result.source,
    name: result.agent.name,
    host: result.agent.host,
    state: result.agent.state,
    fleet: null,
    workdir: result.agent.workdir ?? null,
    branch: result.branch,
    base: result.base,
    uncommitted: result.uncommitted,
    conversation: result.conversation,
  };
}

function cloneText(result: CloneResult): string {
  const { source, agent } = result;
  const lines = [
    `Cloned ${source.name}@${source.host} to ${agent.name}@${agent.host}` +
      (result.branch === null
        ? ", with a copy of its work dir."
        : ` on branch ${result.branch} (from ${result.base?.slice(0, 12) ?? "its HEAD"}), with ${plural(result.uncommitted, "path")} of uncommitted work.`),
  ];
  if (result.conversation !== null) {
    lines.push(
      `Copied its conversation (${plural(result.conversation, "file")}): ${agent.name} resumes it.`,
    );
  }
  if (source.fleet !== null) {
    lines.push(
      `${source.name} belongs to fleet "${source.fleet}"; ${agent.name} belongs to no fleet file (as with \`fleet create\`), so no plan touches it.`,
    );
  }
  lines.push(`Connect with: fleet connect ${agent.name}`);
  return lines.join("\n");
}
