/**
 * The fleet file on the page: POST /api/plan shows its plan as `fleet plan`
 * renders it, kept under a random id (FLEET_HOME/ui/plans, good once, for an
 * hour); POST /api/apply applies that very plan and nothing else. A plan whose
 * live state has moved on is refused (PLAN_STALE), as `fleet apply PLAN` does.
 * The owner's only: a share link cannot plan or apply.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { applyDesired, loadDesired, planDesired } from "../../core/actions/plan-apply.ts";
import { hasChanges } from "../../core/plan/compute.ts";
import { usageError } from "../../core/errors.ts";
import { safeText } from "../../core/text/safe-text.ts";
import { renderApplySummary } from "../../cli/render/apply-summary.ts";
import { renderPlanText } from "../../cli/render/plan-text.ts";
import {
  errorResponse,
  forbidden,
  requestContext,
  type UiContext,
  type UiDeps,
  type UiEnv,
} from "./ui-deps.ts";

const applyBody = z.strictObject({ planId: z.string().min(1).max(64) });

export function planRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const ownerOnly = (c: UiContext): void => {
    if (c.get("principal").kind !== "owner") throw forbidden("plan or apply a fleet file");
  };

  app.post("/api/plan", async (c) => {
    try {
      ownerOnly(c);
      const { ctx } = requestContext(deps);
      const desired = await loadDesired(deps.fleetFile, deps.cwd);
      const { plan } = await planDesired(desired, ctx);
      const { planId, expiresAt } = await deps.plans.save(plan, desired);
      return c.json({
        planId,
        expiresAt,
        file: desired.source,
        fleet: desired.fleet,
        hasChanges: hasChanges(plan),
        // As the CLI prints it (renderPlanText escapes names and values from files and hosts).
        text: renderPlanText(plan, { color: false }),
      });
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  app.post("/api/apply", async (c) => {
    try {
      ownerOnly(c);
      const parsed = applyBody.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) throw usageError("apply takes the planId that plan returned");
      const { plan: savedPlan, desired } = await deps.plans.take(parsed.data.planId);
      const { ctx, io } = requestContext(deps);
      const applied = await applyDesired(desired, ctx, {
        parallelism: 8,
        savedPlan,
        confirm: () => Promise.resolve(true),
      });
      deps.feed.refreshSoon();
      const ok = (applied.result?.ok ?? true) && applied.plan.hostErrors.length === 0;
      const hostLines = applied.plan.hostErrors.map((e) =>
        safeText(`host ${e.host} (${e.provider}) could not be read: ${e.error.message}`),
      );
      return c.json({
        ok,
        changed: applied.result !== undefined,
        text: [renderApplySummary(applied), ...hostLines].join("\n"),
        outcomes: applied.result?.outcomes ?? [],
        notices: io.notices,
      });
    } catch (error) {
      return errorResponse(c, error);
    }
  });
}
