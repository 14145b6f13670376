/** `fleet adopt NAME`: show what a TAMPERED record asks for, and re-sign it on request. */
import { adoptAgent, adoptionOf } from "../../core/host/adopt-agent.ts";
import type { AgentRecord } from "../../core/host/agent-record.ts";
import { usageError } from "../../core/errors.ts";
import { findAgentsOrProblems, withHostLock } from "../../core/actions/agent-target.ts";
import { type CommonOptions, cliContext, printJson } from "../context.ts";

interface AdoptOptions extends CommonOptions {
  yes?: boolean;
}

export async function run(ref: string, options: AdoptOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const [target] = (await findAgentsOrProblems([ref], context)).targets;
  if (!target) throw new Error("unreachable: findAgentsOrProblems returned nothing");
  const where = `${target.name}@${target.host}`;
  const record = await adoptionOf(target.handle, target.name);
  if (record === undefined) {
    if (context.format === "json") printJson({ adopted: null, trusted: where });
    else
      process.stdout.write(`${where}'s record is signed by this controller: nothing to adopt.\n`);
    return;
  }
  // JSON.stringify shows every value quoted, control characters escaped.
  process.stderr.write(`${where} asks for:\n${describe(record)}\n`);
  if (options.yes !== true) {
    if (!process.stdin.isTTY) {
      throw usageError(
        "refusing to adopt without confirmation: stdin is not a terminal",
        "check what it asks for above, then pass -y (--yes)",
      );
    }
    if (
      !(await context.io.confirm(`Trust ${where} with exactly this and sign its record?`, false))
    ) {
      process.stdout.write("Adopt cancelled; nothing was changed.\n");
      process.exitCode = 1;
      return;
    }
  }
  await withHostLock(target.handle, () => adoptAgent(target.handle, target.name, record));
  if (context.format === "json") printJson({ adopted: where });
  else process.stdout.write(`Adopted ${where}: its record is signed by this controller now.\n`);
}

function describe(record: AgentRecord): string {
  const spec = record.spec;
  const show = (value: unknown): string => JSON.stringify(value);
  const lines: [string, unknown][] = [
    ["owner fleet", record.fleet ?? "(none: made with fleet create)"],
    ["agent type", spec.agent],
    ["command", spec.command ?? null],
    ["args", spec.args],
    ["env", spec.env],
    ["secrets (names; values come from your environment)", spec.secrets],
    ["workdir source (on this machine)", spec.workdir?.from ?? null],
    ["branch", spec.workdir?.branch ?? null],
    ["work dir (on the host)", record.workdir],
    ["services", spec.services],
    ["network", spec.network ?? null],
    ["resources", spec.resources ?? null],
    ["snapshot", spec.snapshot ?? null],
    ["labels", spec.labels],
  ];
  return lines.map(([what, value]) => `  ${what}: ${show(value)}`).join("\n");
}
