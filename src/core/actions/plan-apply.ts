/**
 * `fleet plan|apply|destroy` of a fleet file and the MCP `plan`/`apply` tools:
 * loading and fully validating the file, then planning or applying it through
 * the native engine or Pulumi's (loaded only when asked for: about 0.5 s).
 * Confirmation and Ctrl-C are the caller's: it passes `confirm` and `signal`.
 */
import type { ProviderContext } from "../contracts/provider.ts";
import { findFleetFile, loadFleetFile, validateHostsWithProviders } from "../config/load.ts";
import type { DesiredState } from "../model.ts";
import type { Plan } from "../plan/types.ts";
import {
  type AppliedFleet,
  applyFleet,
  type PlannedFleet,
  planFleet,
} from "../apply/apply-fleet.ts";
import { nativeEngine } from "../../engines/native/index.ts";

/**
 * Finds (`file`, else fleet.yaml / fleet.ts in `cwd`), loads and fully validates
 * the fleet file, providers included, before anything is touched.
 */
export async function loadDesired(
  file: string | undefined,
  cwd: string = process.cwd(),
): Promise<DesiredState> {
  const path = findFleetFile(cwd, file);
  const desired = await loadFleetFile(path);
  await validateHostsWithProviders(desired);
  return desired;
}

export interface EngineChoice {
  /** `native` (the default) or `pulumi`. */
  engine?: string;
  /** With the Pulumi engine: the stack (default: from the file's path, else the fleet's name). */
  stack?: string;
}

/** The plan of `desired` against live state, with the secrets it needs checked. */
export async function planDesired(
  desired: DesiredState,
  ctx: ProviderContext,
  choice: EngineChoice = {},
): Promise<PlannedFleet> {
  if (choice.engine !== "pulumi") return planFleet(desired, ctx);
  const { planWithPulumi } = await import("../../engines/pulumi/run-stack.ts");
  const { stackNameFor } = await import("../../engines/pulumi/stack-workspace.ts");
  return planWithPulumi(desired, {
    ctx,
    stackName: stackNameFor(desired, choice.stack),
    parallelism: 8,
    confirm: () => Promise.resolve(false),
  });
}

export interface ApplyDesiredOptions extends EngineChoice {
  parallelism: number;
  /** A saved plan: refused (PLAN_STALE) when live state moved since it was made. */
  savedPlan?: Plan;
  /** Shown the plan before anything changes; false cancels. Not called when nothing changes. */
  confirm: (planned: { plan: Plan }) => Promise<boolean>;
  /** Aborted: no new change starts; those in flight finish. */
  signal?: AbortSignal;
  /** `fleet destroy`: the fleet file's hosts, whose leftovers go too. */
  destroy?: { fileHosts: DesiredState["hosts"] };
}

/** Applies `desired` (or the saved plan made from it); the saved plan's engine wins. */
export async function applyDesired(
  desired: DesiredState,
  ctx: ProviderContext,
  options: ApplyDesiredOptions,
): Promise<AppliedFleet> {
  const { savedPlan, destroy, confirm, signal, parallelism } = options;
  const engine = savedPlan?.engine?.name ?? options.engine;
  if (engine === "pulumi") {
    const { applyWithPulumi } = await import("../../engines/pulumi/run-stack.ts");
    const { stackNameFor } = await import("../../engines/pulumi/stack-workspace.ts");
    return applyWithPulumi(destroy ? { ...desired, hosts: destroy.fileHosts } : desired, {
      ctx,
      stackName: savedPlan?.engine?.stack ?? stackNameFor(desired, options.stack),
      parallelism,
      destroying: destroy !== undefined,
      ...(signal ? { signal } : {}),
      ...(savedPlan ? { savedPlan } : {}),
      confirm,
    });
  }
  return applyFleet(desired, {
    ctx,
    engine: nativeEngine,
    parallelism,
    extraHosts: destroy?.fileHosts ?? [],
    destroying: destroy !== undefined,
    ...(signal ? { signal } : {}),
    ...(savedPlan ? { savedPlan } : {}),
    confirm,
  });
}
