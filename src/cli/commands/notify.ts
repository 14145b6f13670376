/**
 * `fleet notify`: a watcher that sends notifications (desktop, webhooks) without
 * the dashboard; `--once` for cron, `--test` to try the channels.
 */
import { usageError } from "../../core/errors.ts";
import { testNotifications, watchNotifications } from "../../core/actions/watch-notifications.ts";
import type { EmitReport } from "../../core/notify/index.ts";
import { type CommonOptions, cliContext, jsonText, printJson, printText } from "../context.ts";
import { parseDurationFlag } from "../parse-duration.ts";

interface NotifyOptions extends CommonOptions {
  file?: string;
  every?: string;
  once?: boolean;
  test?: boolean;
}

export async function run(options: NotifyOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const cwd = process.cwd();
  if (options.test === true) {
    if (options.once === true || options.every !== undefined) {
      throw usageError("--test sends one test message: leave out --once and --every");
    }
    const { file, outcomes } = await testNotifications({
      env: process.env,
      file: options.file,
      cwd,
    });
    if (context.format === "json") {
      printJson({ format_version: "1.0", file: file ?? null, channels: outcomes });
    } else if (outcomes.length === 0) {
      printText(`No channels to test: ${file ?? "the rules"} set no desktop or webhooks.`);
    } else {
      printText(
        outcomes
          .map((o) => (o.ok ? `ok      ${o.channel}` : `failed  ${o.channel}: ${o.error ?? ""}`))
          .join("\n"),
      );
    }
    if (outcomes.length === 0 || outcomes.some((o) => !o.ok)) process.exitCode = 1;
    return;
  }
  if (options.once === true && options.every !== undefined) {
    throw usageError("give --once or --every, not both");
  }
  const everyMs = parseEvery(options.every ?? "2s");
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (options.once !== true) {
    context.io.notify({
      level: "info",
      code: "notify.watching",
      message: `Watching agents every ${options.every ?? "2s"} to notify; Ctrl-C stops.`,
    });
  }
  try {
    await watchNotifications({
      ctx: context,
      env: process.env,
      ...(options.file === undefined ? {} : { file: options.file }),
      cwd,
      everyMs,
      once: options.once === true,
      signal: controller.signal,
      onReports: (reports) => {
        if (context.format === "json") process.stdout.write(reports.map(reportLine).join(""));
      },
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** One JSON line per event (the key, which only dedupes, is left out). */
function reportLine(report: EmitReport): string {
  const { key: _key, ...event } = report.event;
  return jsonText({ event, channels: report.channels }, 0) + "\n";
}

function parseEvery(text: string): number {
  const ms = parseDurationFlag(text, "--every");
  if (ms < 1000) throw usageError(`--every must be at least 1s, not "${text}"`);
  return ms;
}
