/**
 * The controller's journal: what this controller did that no host can tell
 * afterwards, because the host is stopped or the agent's dir is gone: a host it
 * manages made, started, stopped or removed (and why), an agent destroyed and
 * where its work was saved. In FLEET_HOME/events/journal.jsonl (0600), one line
 * each, kept to its last MAX_LINES lines.
 */
import { appendFile, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { once } from "../once.ts";
import type { FleetEnv } from "../env.ts";
import { NAME_PATTERN } from "../names.ts";
import { mkdirPrivate, PRIVATE_FILE_MODE, writePrivateFile } from "../private-files.ts";
import type { SavedWork } from "../host/saved-work.ts";
import type { FleetEvent } from "./fleet-event.ts";

export type HostEventType = "host-created" | "host-started" | "host-stopped" | "host-destroyed";

const MAX_LINES = 10_000;
/** Checked for trimming only when the file is larger than this. */
const TRIM_AT_BYTES = 2 * 1024 * 1024;

/** Built on first use: appending an event needs no zod, only reading the journal does. */
const journalLine = once(() => {
  const name = z.string().regex(NAME_PATTERN);
  return z.object({
    ts: z.iso.datetime({ offset: true }),
    type: z.enum(["host-created", "host-started", "host-stopped", "host-destroyed", "destroyed"]),
    agent: name.optional(),
    host: name,
    provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    reason: z.string().max(500).optional(),
    saved: z
      .array(z.object({ kind: z.enum(["branch", "bundle", "archive"]), location: z.string() }))
      .optional(),
  });
});

export const journalPath = (env: FleetEnv): string => join(env.home, "events", "journal.jsonl");

/** Appends one event; a journal that cannot be written never fails the change itself. */
export async function recordHostEvent(
  env: FleetEnv,
  type: HostEventType,
  host: { name: string; provider: string },
  reason?: string,
): Promise<void> {
  await append(env, {
    ts: new Date().toISOString(),
    type,
    host: host.name,
    provider: host.provider,
    ...(reason === undefined ? {} : { reason: reason.slice(0, 500) }),
  });
}

/** An agent destroyed, and where its work went: its dir, and its own events, are gone. */
export async function recordAgentDestroyed(
  env: FleetEnv,
  agent: string,
  host: { name: string; provider: string },
  saved: readonly SavedWork[],
): Promise<void> {
  await append(env, {
    ts: new Date().toISOString(),
    type: "destroyed",
    agent,
    host: host.name,
    provider: host.provider,
    saved: saved.map(({ kind, location }) => ({ kind, location })),
  });
}

async function append(env: FleetEnv, event: Record<string, unknown>): Promise<void> {
  const line = JSON.stringify(event);
  const file = journalPath(env);
  try {
    await mkdirPrivate(join(env.home, "events"));
    await appendFile(file, line + "\n", { mode: PRIVATE_FILE_MODE });
    if ((await stat(file)).size > TRIM_AT_BYTES) await trim(file);
  } catch {
    // The change happened; only its note is lost.
  }
}

async function trim(file: string): Promise<void> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
  if (lines.length <= MAX_LINES) return;
  const next = `${file}.${process.pid}`;
  await writePrivateFile(next, lines.slice(-MAX_LINES).join("\n") + "\n");
  await rename(next, file);
}

/** The journal's events, oldest first (lines that are not its events are skipped). */
export async function readJournal(env: FleetEnv): Promise<FleetEvent[]> {
  let text: string;
  try {
    text = await readFile(journalPath(env), "utf8");
  } catch {
    return [];
  }
  const events: FleetEvent[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = journalLine().safeParse(value);
    if (!parsed.success) continue;
    const { ts, type, agent, host, ...facts } = parsed.data;
    events.push({
      ts: new Date(Date.parse(ts)).toISOString(),
      type,
      agent: agent ?? null,
      host,
      ...facts,
    });
  }
  return events;
}
