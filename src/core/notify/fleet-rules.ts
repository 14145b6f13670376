/**
 * Which rules a sender applies: those of a fleet file (`-f`, else fleet.yaml or
 * fleet.ts in the current directory), for that fleet's agents; or, without a
 * file, a fallback the sender chooses (none for `fleet reconcile`, a desktop
 * notification for everything for `fleet notify`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { FLEET_FILE_NAMES, findFleetFile, loadFleetFile } from "../config/load.ts";
import type { DesiredState, NotifyRule } from "../model.ts";
import type { RuleLookup } from "./notifier.ts";

/** The rule lookup of a desired state: only its own agents, by name. */
export function rulesOf(desired: DesiredState | undefined, fallback?: NotifyRule): RuleLookup {
  if (desired === undefined) return () => fallback;
  return (agent) => (agent.fleet === desired.fleet ? desired.notify?.[agent.name] : undefined);
}

/**
 * The fleet file a sender takes rules from: `file` when given (an error if it
 * is missing), else the one in `cwd`, else none.
 */
export function notifyFleetFile(file: string | undefined, cwd: string): string | undefined {
  if (file !== undefined) return findFleetFile(cwd, file);
  return FLEET_FILE_NAMES.some((name) => existsSync(join(cwd, name)))
    ? findFleetFile(cwd)
    : undefined;
}

/** Loads the file's desired state for its rules only: providers are not consulted. */
export async function loadNotifyDesired(
  file: string | undefined,
): Promise<DesiredState | undefined> {
  return file === undefined ? undefined : loadFleetFile(file);
}

/** Every rule of a desired state, for `fleet notify --test`. */
export const allRules = (desired: DesiredState | undefined, fallback?: NotifyRule): NotifyRule[] =>
  desired === undefined
    ? fallback === undefined
      ? []
      : [fallback]
    : Object.values(desired.notify ?? {});
