/**
 * The last observation any notifier made, kept under FLEET_HOME so that a
 * watcher that starts (a restart, `fleet notify --once` from cron) compares its
 * first observation with it and sees what changed meanwhile. Claims, not this
 * file, keep an event from being sent twice: it may be overwritten by another
 * watcher at any time, and an old one is ignored.
 */
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { AgentState } from "../model.ts";
import { mkdirPrivate, writePrivateFile } from "../private-files.ts";
import type { ObservedAgent } from "./events.ts";

/** Older than this, a baseline would report long-past changes as news. */
export const BASELINE_MAX_AGE_MS = 24 * 3600_000;

const STATES: readonly AgentState[] = ["RUNNING", "WAITING", "STOPPED", "DONE", "MISSING"];

const baselineFile = (home: string): string => join(home, "notify", "observed.json");

export async function readBaseline(
  home: string,
  now = Date.now(),
): Promise<ObservedAgent[] | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(baselineFile(home), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { at, agents } = value as { at?: unknown; agents?: unknown };
  if (typeof at !== "number" || now - at > BASELINE_MAX_AGE_MS || !Array.isArray(agents)) {
    return undefined;
  }
  return agents.filter(isObserved);
}

export async function writeBaseline(
  home: string,
  agents: readonly ObservedAgent[],
  now = Date.now(),
): Promise<void> {
  const file = baselineFile(home);
  await mkdirPrivate(join(home, "notify"));
  const tmp = `${file}.${process.pid}.tmp`;
  await writePrivateFile(tmp, JSON.stringify({ at: now, agents }));
  await rename(tmp, file);
}

const optionalString = (value: unknown): boolean =>
  value === undefined || typeof value === "string";

function isObserved(value: unknown): value is ObservedAgent {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.name === "string" &&
    typeof a.host === "string" &&
    (a.fleet === null || typeof a.fleet === "string") &&
    typeof a.createdAt === "string" &&
    STATES.includes(a.state as AgentState) &&
    optionalString(a.startedAt) &&
    optionalString(a.waitingFor) &&
    optionalString(a.waitingSince) &&
    (a.exitCode === undefined || Number.isInteger(a.exitCode))
  );
}
