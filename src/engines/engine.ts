/**
 * An engine carries out a plan. The native engine calls providers directly; the
 * Pulumi engine (optional) turns the same desired state into a Pulumi program.
 */
import type { ProviderContext } from "../core/contracts/provider.ts";
import type { FleetErrorJson } from "../core/errors.ts";
import type { DesiredState, HostSpec } from "../core/model.ts";
import type { SavedWork } from "../core/host/saved-work.ts";
import type { Change, Plan } from "../core/plan/types.ts";

export type ChangeStatus = "done" | "failed" | "skipped" | "cancelled";

export interface ChangeOutcome {
  address: string;
  action: Change["action"];
  status: ChangeStatus;
  durationMs: number;
  error?: FleetErrorJson;
  /** Where an agent's work was saved before it was deleted or replaced. */
  saved: SavedWork[];
  /** Why a change did not run (its dependency failed, or Ctrl-C). */
  skippedBecause?: string;
}

export interface ApplyOptions {
  ctx: ProviderContext;
  /** Hosts by name: the desired ones plus those only live agents still sit on. */
  hosts: ReadonlyMap<string, HostSpec>;
  /** Secret values by agent name, resolved before anything changes. */
  secrets: ReadonlyMap<string, Record<string, string>>;
  parallelism: number;
  /** Aborted on Ctrl-C: no new change starts; those in flight finish. */
  signal?: AbortSignal;
}

export interface ApplyResult {
  outcomes: ChangeOutcome[];
  ok: boolean;
}

export interface Engine {
  readonly name: string;
  apply(plan: Plan, desired: DesiredState, options: ApplyOptions): Promise<ApplyResult>;
}
