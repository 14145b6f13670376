/** `fleet pair NAME`: the user's checkout and the agent's work dir kept in step until Ctrl-C. */
import { pairAgent, type PairEvent, type PairSummary } from "../../core/actions/pair-agent.ts";
import { usageError } from "../../core/errors.ts";
import { type CommonOptions, cliContext, jsonText, printText } from "../context.ts";
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
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  if (context.format === "json") {
    throw usageError("fleet pair prints a stream", "use --format jsonl (or text)");
  }
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
      onEvent: (event) => (jsonl ? printLine(event) : printText(line(event))),
    });
    if (jsonl) printLine({ event: "summary", ...summary });
    else printText(summaryLine(summary));
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** One JSON object per line (made harmless for terminals, as every JSON fleet prints). */
const printLine = (value: unknown): void => void process.stdout.write(jsonText(value, 0) + "\n");

function line(event: PairEvent): string {
  switch (event.event) {
    case "start":
      return `Pairing ${event.local} with ${event.agent}@${event.host}:${event.workdir} (${DIRECTION_WORDS[event.direction]}; on conflict: ${event.conflict}).`;
    case "ready":
      return `In step: ${plural(event.files, "file")}. Watching both sides; Ctrl-C to stop.`;
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
  return `Paired ${summary.agent}@${summary.host} for ${summary.seconds}s (${plural(summary.rounds, "round")} of ${summary.roundMs} ms): ${plural(summary.toAgent, "change")} to the agent, ${plural(summary.toLocal, "change")} to your checkout, ${plural(summary.conflicts, "conflict")}.`;
}
