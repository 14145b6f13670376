/**
 * `plan` and `apply`. A client can apply only what it was shown: `plan` keeps the
 * plan it returns under a random id (src/core/plan/plan-store.ts), and `apply` takes
 * nothing but such an id. The id is the confirmation, so nothing asks again; it
 * is good once and for an hour, and apply refuses it (PLAN_STALE) when live state
 * has moved since the plan, as `fleet apply plan.json` does. Native engine only.
 */
import { z } from "zod";
import { applyDesired, loadDesired, planDesired } from "../core/actions/plan-apply.ts";
import { hasChanges } from "../core/plan/compute.ts";
import { applyReport } from "../cli/render/apply-summary.ts";
import { renderPlanJson } from "../cli/render/plan-json.ts";
import { renderPlanText } from "../cli/render/plan-text.ts";
import type { PlanStore } from "../core/plan/plan-store.ts";
import { applySchema, planSchema } from "./schemas.ts";
import { type AnyFleetTool, defineTool } from "./tool-kit.ts";

export function planTools(store: PlanStore): AnyFleetTool[] {
  const planTool = defineTool({
    name: "plan",
    title: "Plan a fleet file",
    description:
      "Show what applying a fleet file would change, against what is really running. Returns the plan (fleet's JSON plan document) and a planId: show the plan to the user, then pass the planId to apply. Relative paths are from the server's working directory.",
    input: z.strictObject({
      file: z.string().min(1).describe("the fleet file (fleet.yaml or fleet.ts)"),
    }),
    output: planSchema,
    annotations: { readOnlyHint: true },
    async run(args, { ctx }) {
      const desired = await loadDesired(args.file);
      const { plan } = await planDesired(desired, ctx);
      const { planId, expiresAt } = await store.save(plan, desired);
      // renderPlanText escapes what it shows (names and values come from files and hosts).
      const text = `${renderPlanText(plan, { color: false })}\n\nplanId: ${planId} (apply it with the apply tool before ${expiresAt})`;
      return {
        text,
        structured: {
          planId,
          expiresAt,
          hasChanges: hasChanges(plan),
          plan: JSON.parse(renderPlanJson(plan)) as Record<string, unknown>,
        },
      };
    },
  });

  const applyTool = defineTool({
    name: "apply",
    title: "Apply a plan",
    description:
      "Apply a plan the plan tool returned, by its planId, and nothing else. Refused when the id is unknown, used already or expired (one hour), or when live state has changed since the plan (PLAN_STALE: plan again). An id is used up by any apply of it.",
    input: z.strictObject({
      planId: z.string().min(1).describe("the planId the plan tool returned"),
      parallelism: z.number().int().min(1).max(64).default(8).describe("changes run at once"),
    }),
    output: applySchema,
    annotations: { destructiveHint: true },
    async run(args, { ctx, signal }) {
      const { plan: savedPlan, desired } = await store.take(args.planId);
      const applied = await applyDesired(desired, ctx, {
        parallelism: args.parallelism,
        savedPlan,
        signal,
        confirm: () => Promise.resolve(true),
      });
      const { ok, text } = applyReport(applied);
      return {
        text,
        structured: {
          format_version: "1.0" as const,
          fleet: applied.desired.fleet,
          changed: applied.result !== undefined,
          ok,
          outcomes: applied.result?.outcomes ?? [],
          hostErrors: applied.plan.hostErrors,
        },
        isError: !ok,
      };
    },
  });

  return [planTool, applyTool];
}
