/**
 * The fleet file's plan, as `fleet plan` prints it, and applying that very
 * plan by its id. The server refuses a plan whose live state has moved on.
 */
import { useState } from "preact/hooks";
import { api, RequestFailed } from "./api.ts";

interface PlanAnswer {
  planId: string;
  expiresAt: string;
  file: string;
  fleet: string;
  hasChanges: boolean;
  text: string;
}

interface ApplyAnswer {
  ok: boolean;
  changed: boolean;
  text: string;
}

const problem = (error: unknown): string =>
  error instanceof RequestFailed
    ? `${error.error.code}: ${error.error.message}${error.error.hint ? ` (${error.error.hint})` : ""}`
    : String(error);

export function PlanPage(props: { fleetFile: string | null }) {
  const [plan, setPlan] = useState<PlanAnswer | undefined>();
  const [applied, setApplied] = useState<ApplyAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(problem(e));
    } finally {
      setBusy(false);
    }
  };
  const makePlan = () =>
    run(async () => {
      setApplied(undefined);
      setPlan(await api<PlanAnswer>("POST", "/api/plan"));
    });
  const applyPlan = () =>
    run(async () => {
      if (plan === undefined) return;
      setApplied(await api<ApplyAnswer>("POST", "/api/apply", { planId: plan.planId }));
      setPlan(undefined);
    });

  return (
    <section class="plan">
      <h2>Plan</h2>
      <p class="muted">{props.fleetFile ?? "No fleet file here: start fleet ui with -f FILE."}</p>
      <div class="actions">
        <button id="make-plan" disabled={busy} onClick={() => void makePlan()}>
          {plan ? "Plan again" : "Show plan"}
        </button>
        {plan?.hasChanges ? (
          <button id="apply-plan" class="primary" disabled={busy} onClick={() => void applyPlan()}>
            Apply this plan
          </button>
        ) : null}
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {plan ? (
        <>
          <p class="muted">
            Plan {plan.planId} of {plan.file}, good until{" "}
            {new Date(plan.expiresAt).toLocaleTimeString()}.
          </p>
          <pre class="plan-text">{plan.text}</pre>
        </>
      ) : null}
      {applied ? (
        <pre class={`apply-text ${applied.ok ? "ok" : "failed"}`}>{applied.text}</pre>
      ) : null}
    </section>
  );
}
