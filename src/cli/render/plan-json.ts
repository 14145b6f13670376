/**
 * A plan as the versioned JSON document described in docs/plan-format.md.
 * Keys are written in a fixed order so the output diffs cleanly between runs.
 */
import type { Change, FieldChange, Plan } from "../../core/plan/types.ts";
import { safeJson } from "../../core/text/safe-text.ts";

/** `before`/`after` are left out (not null) when the field is not set: null is a value. */
function fieldJson(field: FieldChange): Record<string, unknown> {
  return {
    field: field.field,
    before: field.before,
    after: field.after,
    forcesReplacement: field.forcesReplacement,
    sensitive: field.sensitive,
  };
}

function changeJson(change: Change): Record<string, unknown> {
  return {
    address: change.address,
    kind: change.kind,
    name: change.name,
    host: change.host,
    provider: change.provider,
    action: change.action,
    reasons: change.reasons,
    fields: change.fields.map(fieldJson),
    dependsOn: change.dependsOn,
    restarts: change.restarts ?? [],
    before: change.before,
    after: change.after,
  };
}

/** The plan document, pretty-printed, without a trailing newline. */
export function renderPlanJson(plan: Plan): string {
  const document = {
    format_version: plan.format_version,
    fleet: plan.fleet,
    source: plan.source,
    createdAt: plan.createdAt,
    fingerprint: plan.fingerprint,
    ...(plan.engine ? { engine: { name: plan.engine.name, stack: plan.engine.stack } } : {}),
    summary: {
      add: plan.summary.add,
      change: plan.summary.change,
      destroy: plan.summary.destroy,
      start: plan.summary.start,
      stop: plan.summary.stop,
      noop: plan.summary.noop,
    },
    changes: plan.changes.map(changeJson),
    conflicts: plan.conflicts.map((c) => ({ address: c.address, message: c.message })),
    missingSecrets: (plan.missingSecrets ?? []).map((m) => ({
      address: m.address,
      agent: m.agent,
      secrets: m.secrets,
    })),
    hostErrors: plan.hostErrors.map((e) => ({
      host: e.host,
      provider: e.provider,
      error: e.error,
      unplanned: e.unplanned,
    })),
  };
  return safeJson(document);
}
