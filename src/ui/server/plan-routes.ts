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
import { applyReport } from "../../cli/render/apply-summary.ts";
import { renderPlanText } from "../../cli/render/plan-text.ts";
import { guarded, requestContext, requireOwner, type UiDeps, type UiEnv } from "./ui-deps.ts";

const applyBody = z.strictObject({ planId: z.string().min(1).max(64) });

export function planRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const what = "plan or apply a fleet file";

  app.post(
    "/api/plan",
    guarded(async (c) => {
      requireOwner(c, what);
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
    }),
  );

  app.post(
    "/api/apply",
    guarded(async (c) => {
      requireOwner(c, what);
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
      const { ok, text } = applyReport(applied);
      return c.json({
        ok,
        changed: applied.result !== undefined,
        text,
        outcomes: applied.result?.outcomes ?? [],
        notices: io.notices,
      });
    }),
  );
}
