/** `fleet pair NAME`: the user's checkout and the agent's work dir kept in step until Ctrl-C. */
import { pairAgent, type PairEvent, type PairSummary } from "../../core/actions/pair-agent.ts";
import { type CommonOptions, cliContext, printJson, printText } from "../context.ts";
import { plural } from "../render/plural.ts";

interface PairCliOptions extends CommonOptions {
  path?: string;
  direction?: string;
  conflict?: string;
}

const DIRECTION_WORDS = {
  both: "both ways",
  "to-agent": "to the agent only",
  "from-agent": "from the agent only",
};

export async function run(ref: string, options: PairCliOptions): Promise<void> {
  const context = cliContext(options, ["text", "jsonl"], "text");
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const jsonl = context.format === "jsonl";
  try {
    const summary = await pairAgent(ref, context, {
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.direction === undefined ? {} : { direction: options.direction }),
      ...(options.conflict === undefined ? {} : { conflict: options.conflict }),
      signal: controller.signal,
      onEvent: (event) => (jsonl ? printJson(event) : printText(line(event))),
    });
    if (jsonl) printJson({ event: "summary", ...summary });
    else printText(summaryLine(summary));
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

function line(event: PairEvent): string {
  switch (event.event) {
    case "start":
      return `Pairing ${event.local} with ${event.agent}@${event.host}:${event.workdir} (${DIRECTION_WORDS[event.direction]}; on conflict: ${event.conflict}). Ctrl-C to stop.`;
    case "sync": {
      const arrow = event.to === "agent" ? "→ agent" : "← local";
      const what = event.action === "delete" ? `deleted ${event.path}` : event.path;
      const why =
        event.why === "conflict-copy"
          ? " (conflict: the other side's version, both kept)"
          : event.why === "conflict"
            ? " (conflict: this side's version replaced)"
            : "";
      return `${arrow}  ${what}${why}`;
    }
    case "conflict":
      return `!  conflict  ${event.path}: changed on both sides, settled by ${event.rule}`;
    case "skipped":
      return event.reason === "refused"
        ? `!  skipped  ${event.path}: not a regular file, or a symlink on its way, in ${event.to === "agent" ? "the agent's work dir" : "your checkout"}`
        : `…  ${event.path} changed again while it was copied; next round`;
  }
}

function summaryLine(summary: PairSummary): string {
  return `Paired ${summary.agent}@${summary.host} for ${summary.seconds}s: ${plural(summary.toAgent, "change")} to the agent, ${plural(summary.toLocal, "change")} to your checkout, ${plural(summary.conflicts, "conflict")}.`;
}
