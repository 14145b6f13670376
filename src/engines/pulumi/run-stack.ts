/**
 * `fleet plan|apply|destroy --engine pulumi`: the library entry points. Each
 * takes fleet's stack lock and every involved host's lock (the provider then
 * works under them), clears a stale Pulumi lock, adopts agents the native
 * engine made, and runs Pulumi's preview (with refresh, so drift shows) before
 * anything changes. That preview is the plan shown, in fleet's own shape.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation/index.js";
import {
  fleetHosts,
  refuseConflicts,
  refuseMissingSecrets,
  type AppliedFleet,
  type PlannedFleet,
} from "../../core/apply/apply-fleet.ts";
import { lockHostsInOrder, providersFor } from "../../core/apply/host-locks.ts";
import type { ProviderContext } from "../../core/contracts/provider.ts";
import { FleetError } from "../../core/errors.ts";
import type { DesiredState, HostSpec, LiveState } from "../../core/model.ts";
import { rememberHosts } from "../../core/state/known-hosts.ts";
import { discoverLive } from "../../core/state/discover.ts";
import { adoptable, agentsInStack } from "./adopt.ts";
import { StepCollector } from "./engine-steps.ts";
import { buildPlan } from "./preview-plan.ts";
import { clearStaleLocks, lockStack } from "./stack-lock.ts";
import { openStack, pulumiPaths } from "./stack-workspace.ts";
import { PULUMI_PROJECT } from "./resource-types.ts";
import { parseSavedReport, UpdateProgress } from "./update-progress.ts";

export interface PulumiRunOptions {
  ctx: ProviderContext;
  stackName: string;
  parallelism: number;
  signal?: AbortSignal;
  /** A saved plan: refused when a fresh preview no longer matches it. */
  savedPlan?: import("../../core/plan/types.ts").Plan;
  /** Shown the plan before anything changes; false cancels. Not called when nothing changes. */
  confirm: (planned: PlannedFleet) => Promise<boolean>;
  /** Reads secrets (and PULUMI_* settings); defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
}

interface Session {
  stack: Stack;
  live: LiveState;
  hosts: Map<string, HostSpec>;
  reportFile: string;
}

/** Runs `work` holding the stack's and the hosts' locks, on the opened stack. */
async function inSession<T>(
  desired: DesiredState,
  options: Pick<PulumiRunOptions, "ctx" | "stackName" | "env">,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const { ctx } = options;
  const paths = pulumiPaths(ctx.env);
  const releaseStack = await lockStack(paths, options.stackName, ctx.io);
  const scratch = await mkdtemp(join(tmpdir(), "fleet-pulumi-"));
  try {
    const hosts = fleetHosts(desired);
    const providers = await providersFor(hosts.values());
    const hostLocks = await lockHostsInOrder(hosts.values(), providers, ctx, (_host, error) => {
      throw error;
    });
    try {
      await clearStaleLocks(paths, PULUMI_PROJECT, options.stackName, ctx.io);
      const live = await discoverLive([...hosts.values()], ctx);
      const adopt = new Map<string, string>();
      const reportFile = join(scratch, "report.jsonl");
      const { stack } = await openStack({
        desired,
        env: ctx.env,
        stackName: options.stackName,
        adopt,
        reportFile,
        ...(options.env ? { processEnv: options.env } : {}),
      });
      for (const [name, id] of adoptable(desired, live, await agentsInStack(stack)))
        adopt.set(name, id);
      return await work({ stack, live, hosts, reportFile });
    } finally {
      await hostLocks.releaseAll();
    }
  } finally {
    await releaseStack();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Pulumi's failures as fleet's: the engine's diagnostics, not its whole output. */
function engineFailure(error: unknown, collector: StepCollector): FleetError {
  if (error instanceof FleetError) return error;
  const said = collector.diagnostics.join("\n");
  const fallback = error instanceof Error ? error.message : String(error);
  return new FleetError("PULUMI_FAILED", `the Pulumi engine failed: ${said || fallback}`, {
    fault: "system",
  });
}

async function preview(
  session: Session,
  desired: DesiredState,
  destroying: boolean,
  options: PulumiRunOptions,
): Promise<PlannedFleet> {
  const collector = new StepCollector();
  try {
    if (destroying)
      await session.stack.previewDestroy({ refresh: true, onEvent: collector.onEvent });
    else
      await session.stack.preview({
        refresh: true,
        parallel: options.parallelism,
        onEvent: collector.onEvent,
      });
  } catch (error) {
    throw engineFailure(error, collector);
  }
  const built = buildPlan(
    desired,
    session.live,
    collector.changes,
    options.env ?? process.env,
    destroying,
  );
  const plan = { ...built, engine: { name: "pulumi" as const, stack: options.stackName } };
  return { desired, live: session.live, plan, hosts: session.hosts };
}

export async function planWithPulumi(
  desired: DesiredState,
  options: PulumiRunOptions,
): Promise<PlannedFleet> {
  return inSession(desired, options, (session) => preview(session, desired, false, options));
}

/** `apply` (or, with `destroying`, `destroy`) through the stack. */
export async function applyWithPulumi(
  desired: DesiredState,
  options: PulumiRunOptions & { destroying?: boolean },
): Promise<AppliedFleet> {
  const destroying = options.destroying === true;
  return inSession(desired, options, async (session) => {
    const planned = await preview(session, desired, destroying, options);
    const { plan } = planned;
    if (options.savedPlan && options.savedPlan.fingerprint !== plan.fingerprint) {
      throw new FleetError(
        "PLAN_STALE",
        "the saved plan is stale: a fresh Pulumi preview no longer matches it",
        {
          hint: "run `fleet plan --engine pulumi -o FILE` again, review it, and apply the new plan",
        },
      );
    }
    refuseConflicts(plan);
    const progress = new UpdateProgress(plan, options.ctx.io);
    if (!progress.hasWork()) return { ...planned, declined: false };
    refuseMissingSecrets(plan.missingSecrets ?? []);
    if (!(await options.confirm(planned))) return { ...planned, declined: true };
    const collector = new StepCollector();
    const onEvent = (event: Parameters<StepCollector["onEvent"]>[0]): void => {
      collector.onEvent(event);
      progress.onEvent(event);
    };
    const signal = options.signal ? { signal: options.signal } : {};
    let failure: string | undefined;
    try {
      if (destroying) await session.stack.destroy({ refresh: true, onEvent, ...signal });
      else
        await session.stack.up({
          refresh: true,
          parallel: options.parallelism,
          onEvent,
          ...signal,
        });
    } catch (error) {
      failure = engineFailure(error, collector).message;
    }
    const saved = parseSavedReport(await readFile(session.reportFile, "utf8").catch(() => ""));
    const outcomes = progress.outcomes(saved, failure);
    if (failure !== undefined && outcomes.every((o) => o.status === "done")) {
      throw new FleetError("PULUMI_FAILED", failure, { fault: "system" });
    }
    if (!destroying) await rememberHosts(options.ctx.env, desired.hosts).catch(() => undefined);
    return {
      ...planned,
      result: { outcomes, ok: outcomes.every((o) => o.status === "done") },
      declined: false,
    };
  });
}
