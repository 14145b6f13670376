/**
 * Progress of `pulumi up` or `destroy`, from its engine events, reported
 * through fleet's IoHost with the native engine's codes (`apply.change.*`), so
 * it renders the same; and each planned change's outcome at the end.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import type { IoHost } from "../../core/io.ts";
import type { SavedWork } from "../../core/host/saved-work.ts";
import type { Change, Plan } from "../../core/plan/types.ts";
import type { ChangeOutcome } from "../engine.ts";
import { locate } from "./engine-steps.ts";
import { typeOfUrn } from "./resource-types.ts";

const STEP_OPS = new Set([
  "create",
  "update",
  "delete",
  "replace",
  "create-replacement",
  "delete-replaced",
  "import",
]);
const verbs: Record<string, [string, string]> = {
  create: ["creating", "created"],
  update: ["updating", "updated"],
  replace: ["replacing", "replaced"],
  delete: ["destroying", "destroyed"],
  noop: ["adopting", "adopted"],
};

export class UpdateProgress {
  private readonly planned: Map<string, Change>;
  private readonly started = new Map<string, number>();
  private readonly finished = new Map<string, number>();
  private readonly errors = new Map<string, string>();

  private readonly io: IoHost;

  constructor(plan: Plan, io: IoHost) {
    this.io = io;
    this.planned = new Map(
      plan.changes.filter((c) => c.action !== "noop" || adopts(c)).map((c) => [c.address, c]),
    );
  }

  /** Whether the update has anything to do (changes, or agents to adopt). */
  hasWork(): boolean {
    return this.planned.size > 0;
  }

  onEvent = (event: EngineEvent): void => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && STEP_OPS.has(pre.op)) this.start(locate(pre)?.address);
    const outputs = event.resOutputsEvent?.metadata;
    if (outputs && STEP_OPS.has(outputs.op)) this.finish(locate(outputs)?.address);
    const failed = event.resOpFailedEvent?.metadata;
    if (failed) this.fail(locate(failed)?.address, undefined);
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "error" && diagnostic.urn) {
      const address = locate({ urn: diagnostic.urn, type: typeOfUrn(diagnostic.urn) })?.address;
      this.fail(address, cleanMessage(diagnostic.message));
    }
  };

  private start(address: string | undefined): void {
    const change = address && this.planned.get(address);
    if (!change || this.started.has(change.address)) return;
    this.started.set(change.address, Date.now());
    this.io.notify({
      level: "progress",
      code: "apply.change.start",
      message: `${change.address}: ${verbs[change.action]?.[0] ?? change.action}...`,
      data: { address: change.address, action: change.action },
    });
  }

  private finish(address: string | undefined): void {
    if (address === undefined || !this.planned.has(address)) return;
    this.finished.set(address, Date.now());
  }

  private fail(address: string | undefined, message: string | undefined): void {
    if (address === undefined || !this.planned.has(address)) return;
    if (message !== undefined || !this.errors.has(address))
      this.errors.set(address, message ?? "failed");
  }

  /** Outcomes of the planned changes; `interrupted` when the update itself failed or was stopped. */
  outcomes(
    saved: ReadonlyMap<string, SavedWork[]>,
    updateError: string | undefined,
  ): ChangeOutcome[] {
    return [...this.planned.values()].map((change) => {
      const began = this.started.get(change.address) ?? Date.now();
      const ended = this.finished.get(change.address) ?? Date.now();
      const base = {
        address: change.address,
        action: change.action,
        durationMs: Math.max(0, ended - began),
        saved: saved.get(change.address) ?? [],
      };
      const error = this.errors.get(change.address);
      const outcome: ChangeOutcome =
        error !== undefined
          ? {
              ...base,
              status: "failed",
              error: { code: "PULUMI_STEP_FAILED", message: error, fault: "system" },
            }
          : this.finished.has(change.address) || updateError === undefined
            ? { ...base, status: "done" }
            : { ...base, status: "skipped", skippedBecause: updateError };
      this.report(outcome);
      return outcome;
    });
  }

  private report(outcome: ChangeOutcome): void {
    const seconds = (outcome.durationMs / 1000).toFixed(1);
    const data = { ...outcome } as unknown as Record<string, unknown>;
    if (outcome.status === "done") {
      this.io.notify({
        level: "info",
        code: "apply.change.done",
        message: `${outcome.address}: ${verbs[outcome.action]?.[1] ?? outcome.action} (${seconds}s)`,
        data,
      });
    } else if (outcome.status === "failed") {
      this.io.notify({
        level: "error",
        code: "apply.change.failed",
        message: `${outcome.address}: ${outcome.action} failed: ${outcome.error?.message ?? ""}`,
        data,
      });
    } else {
      this.io.notify({
        level: "warn",
        code: `apply.change.${outcome.status}`,
        message: `${outcome.address}: ${outcome.status} (${outcome.skippedBecause ?? ""})`,
        data,
      });
    }
  }
}

/** A noop that imports: it is done by the update, so it gets an outcome. */
export const adopts = (change: Change): boolean =>
  change.action === "noop" && change.reasons.some((r) => r.includes("(import)"));

/** Pulumi wraps a provider's error in its own words; keep the provider's. */
export function cleanMessage(message: string): string {
  return message
    .replace(/\s+/g, " ")
    .replace(/^error:\s*/i, "")
    .trim();
}

/** What the provider reported saving, by address. */
export function parseSavedReport(text: string): Map<string, SavedWork[]> {
  const saved = new Map<string, SavedWork[]>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as { address?: unknown; saved?: unknown };
      if (typeof entry.address !== "string" || !Array.isArray(entry.saved)) continue;
      saved.set(entry.address, [
        ...(saved.get(entry.address) ?? []),
        ...(entry.saved as SavedWork[]),
      ]);
    } catch {
      // A torn line from a killed provider: what it saved is still on disk, and said on stderr.
    }
  }
  return saved;
}
