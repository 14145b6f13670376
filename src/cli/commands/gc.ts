/** `fleet gc [--dry-run] [-y] [--repo PATH...] [--saved-older-than D] [--snapshots-older-than D]` */
import {
  collectGarbage,
  type GcRequest,
  type GcResult,
} from "../../core/actions/collect-garbage.ts";
import { usageError } from "../../core/errors.ts";
import type { GcItem } from "../../core/gc/gc-item.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";

interface GcCommandOptions extends GcRequest, CommonOptions {
  yes?: boolean;
}

function listLines(items: readonly GcItem[]): string[] {
  const going = items.filter((i) => i.action === "delete");
  const staying = items.filter((i) => i.action === "keep");
  return [
    ...(going.length === 0 ? [] : [`Would delete ${going.length}:`]),
    ...going.map((i) => `  - ${i.kind}  ${i.target}  (${i.reason})`),
    ...(staying.length === 0 ? [] : [`Keeping ${staying.length}:`]),
    ...staying.map((i) => `  = ${i.kind}  ${i.target}  (${i.reason})`),
  ];
}

export async function run(options: GcCommandOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  if (options.dryRun !== true && options.yes !== true && !process.stdin.isTTY) {
    throw usageError(
      "refusing to delete without confirmation: stdin is not a terminal",
      "pass -y (--yes) to delete without asking, or --dry-run to see what it would delete",
    );
  }
  const json = context.format === "json";
  const result = await collectGarbage(options, context, async (items) => {
    if (!json) printText(listLines(items).join("\n"));
    if (options.yes === true) return true;
    return context.io.confirm("Delete them?", false);
  });
  for (const error of result.unreadable) {
    context.io.notify({
      level: "warn",
      code: "gc.unreadable",
      message: `host ${error.host} could not be read (${error.error.message}): worktrees, branches, caches and hosts were left alone, since its agents might use them`,
    });
  }
  if (json) {
    printJson({
      format_version: "1.0",
      dryRun: options.dryRun === true,
      items: result.items.map(({ kind, target, reason, action, status, error }) => ({
        kind,
        target,
        action,
        reason,
        status,
        ...(error === undefined ? {} : { error }),
      })),
    });
  } else {
    printText(summary(result));
  }
  if (result.unreadable.length > 0 || result.items.some((i) => i.status === "failed")) {
    process.exitCode = 1;
  }
  if (result.status === "declined") process.exitCode = 1;
}

function summary(result: GcResult): string {
  const count = (status: string) => result.items.filter((i) => i.status === status).length;
  switch (result.status) {
    case "none":
      return [...listLines(result.items), "Nothing to delete."].join("\n");
    case "dry-run":
      return [...listLines(result.items), "Dry run: nothing was deleted."].join("\n");
    case "declined":
      return "Nothing was deleted.";
    case "done":
      return [
        ...result.items
          .filter((i) => i.status === "changed" || i.status === "failed")
          .map((i) =>
            i.status === "changed"
              ? `Left ${i.kind} ${i.target}: it changed since it was looked at.`
              : `Could not delete ${i.kind} ${i.target}: ${i.error ?? ""}`,
          ),
        `Deleted ${count("deleted")}, kept ${count("kept") + count("changed")}.`,
      ].join("\n");
  }
}
