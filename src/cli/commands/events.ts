import {
  followFleetEvents,
  readFleetEvents,
  type EventsNotice,
  type EventsRequest,
} from "../../core/actions/fleet-events.ts";
import { tryParseDuration } from "../../core/config/units.ts";
import { usageError } from "../../core/errors.ts";
import type { FleetEvent } from "../../core/events/fleet-event.ts";
import { safeText } from "../../core/text/safe-text.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  jsonText,
  printJson,
} from "../context.ts";

interface EventsOptions extends CommonOptions {
  follow?: boolean;
  since?: string;
}

export async function run(ref: string | undefined, options: EventsOptions): Promise<void> {
  const context = cliContext(options, ["text", "json", "jsonl"], "text");
  const follow = options.follow === true;
  if (follow && context.format === "json") {
    throw usageError("--follow prints a stream: use --format jsonl (or text), not json");
  }
  const request: EventsRequest = {
    ...(ref === undefined ? {} : { agent: ref }),
    ...(options.since === undefined ? {} : { since: parseSince(options.since) }),
  };
  const notice = noticesOnce(context);
  const print = (event: FleetEvent): void => {
    process.stdout.write(
      context.format === "text" ? safeText(formatEvent(event)) + "\n" : jsonText(event, 0) + "\n",
    );
  };
  if (follow) {
    for await (const event of followFleetEvents(context, request, notice)) print(event);
    if (ref !== undefined) {
      context.io.notify({
        level: "info",
        code: "follow.ended",
        message: `agent ${ref} was destroyed; nothing more to follow`,
      });
    }
    return;
  }
  const { events, errors } = await readFleetEvents(context, request, notice);
  if (context.format === "json") printJson({ format_version: "1.0", events, errors });
  else events.forEach(print);
  // Each host that could not be read was named on stderr as it happened.
  if (errors.length > 0) process.exitCode = 1;
}

/** `--since 10m` (that long ago) or an ISO time such as 2026-12-03T09:00:00Z. */
function parseSince(text: string): number {
  const ago = tryParseDuration(text);
  if (ago !== undefined) return Date.now() - ago;
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isFinite(at)) return at;
  throw usageError(
    `--since expects a duration such as 10m or 2h, or a time such as 2026-12-03T09:00:00Z, not "${text}"`,
  );
}

/** Each notice once: a host that stays down while following is said once, not every second. */
function noticesOnce(context: CliContext): (notice: EventsNotice) => void {
  const said = new Set<string>();
  return (notice) => {
    const message =
      notice.kind === "dropped"
        ? `${notice.lines} line(s) of the events of ${notice.agent} are not events and were skipped`
        : `host ${notice.host} could not be read, its agents' events are missing: ${notice.message}`;
    // Dropped lines are told once per agent, however many more come.
    const key = notice.kind === "dropped" ? `dropped ${notice.agent}` : message;
    if (said.has(key)) return;
    said.add(key);
    context.io.notify({ level: "warn", code: `events.${notice.kind}`, message });
  };
}

function formatEvent(event: FleetEvent): string {
  const { ts, type, agent, host, ...facts } = event;
  const who = agent === null ? `host ${host}` : `${agent}@${host}`;
  const details = Object.entries(facts)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${ts}  ${who}  ${type.padEnd(9)} ${details}`.trimEnd();
}
