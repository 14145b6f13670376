/**
 * What a reconcile pass tells the notifier: the agents it stopped (only
 * reconcile knows it stopped them for being idle), then what it saw, so that
 * waiting, finished and failed agents are told about as by any watcher.
 */
import type { Reconciled } from "../idle/reconcile.ts";
import { observed, stoppedEvent } from "./events.ts";
import type { EmitReport, Notifier } from "./notifier.ts";

export async function notifyReconciled(
  notifier: Notifier,
  reconciled: Reconciled,
): Promise<EmitReport[]> {
  const reports: EmitReport[] = [];
  for (const { agent, reason } of reconciled.stopped) {
    reports.push(await notifier.emit(stoppedEvent(observed(agent), reason)));
  }
  reports.push(...(await notifier.observe(reconciled.live.agents)));
  return reports;
}
