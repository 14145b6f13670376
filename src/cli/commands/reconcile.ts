/**
 * `fleet reconcile`: stop agents idle past their timeout, and hosts left with no
 * running agent. One pass, or `--every DURATION` until Ctrl-C/SIGTERM. A
 * controller-wide lock keeps two reconcilers from acting at once: a one-shot
 * reconcile that finds it taken says so and exits 0; a scheduler says so and
 * takes over once the other one stops. `--dry-run` takes no lock at all.
 * A scheduler also sends the notifications of the fleet file's `notify:` rules
 * (-f, else ./fleet.yaml), for the agents it stopped and those it saw change.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { usageError } from "../../core/errors.ts";
import { reconcileOnce, type Reconciled } from "../../core/idle/reconcile.ts";
import { tryReconcileLock, type ReconcileLockHolder } from "../../core/idle/reconcile-lock.ts";
import type { DesiredState } from "../../core/model.ts";
import { hasChanges } from "../../core/plan/summary.ts";
import { nativeEngine } from "../../engines/native/index.ts";
import {
  type CliContext,
  type CommonOptions,
  cliContext,
  printJson,
  jsonText,
} from "../context.ts";
import { loadDesired } from "../../core/actions/plan-apply.ts";
import { parseDurationFlag } from "../parse-duration.ts";
import { reconcileJson, renderReconcileText } from "../render/reconcile-report.ts";
import {
  createNotifier,
  loadNotifyDesired,
  notifyFleetFile,
  notifyReconciled,
  rulesOf,
  type Notifier,
} from "../../core/notify/index.ts";

interface ReconcileCommandOptions extends CommonOptions {
  file?: string;
  dryRun?: boolean;
  every?: string;
}

const PARALLELISM = 8;

export async function run(options: ReconcileCommandOptions): Promise<void> {
  const context = cliContext(options, ["text", "json"], "text");
  const every = options.every === undefined ? undefined : parseEvery(options.every);
  const dryRun = options.dryRun === true;
  // Loaded up front so a broken file fails at once; a scheduler reloads it each pass.
  const load = async (): Promise<DesiredState | undefined> =>
    options.file === undefined ? undefined : loadDesired(options.file);
  const firstDesired = await load();
  const interrupt = stopOnSignal(context);
  try {
    const pass = (desired: DesiredState | undefined): Promise<Reconciled> =>
      interrupt.during(() =>
        reconcileOnce({
          ctx: context,
          engine: nativeEngine,
          dryRun,
          parallelism: PARALLELISM,
          signal: interrupt.signal,
          ...(desired ? { desired } : {}),
        }),
      );
    if (every === undefined) {
      await once(context, dryRun, () => pass(firstDesired));
    } else {
      const notifications = dryRun ? undefined : reconcileNotifier(context, options.file);
      await schedule(context, { every, label: options.every ?? "", dryRun }, interrupt.signal, {
        load,
        pass: async (desired) => {
          const reconciled = await pass(desired);
          await notifications?.after(reconciled, desired);
          return reconciled;
        },
      });
    }
  } finally {
    interrupt.dispose();
  }
}

/**
 * Ctrl-C or SIGTERM: between passes, leave at once and quietly (a scheduler's
 * normal end); during one, let the stops in flight finish and start no more.
 * A second signal leaves at once.
 */
function stopOnSignal(context: CliContext) {
  const controller = new AbortController();
  let inFlight = 0;
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    if (inFlight > 0) {
      context.io.notify({
        level: "warn",
        code: "interrupt",
        message:
          "interrupted: stops in flight finish, no new ones start (Ctrl-C again to leave now)",
      });
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    async during<T>(work: () => Promise<T>): Promise<T> {
      inFlight += 1;
      try {
        return await work();
      } finally {
        inFlight -= 1;
      }
    },
    dispose(): void {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/**
 * The scheduler's notifier, its rules taken each pass from the pass's fleet
 * file (-f) or else from the one in this directory (read for its rules only).
 * A file that fails to load keeps the last rules that did, with a warning.
 */
function reconcileNotifier(context: CliContext, file: string | undefined) {
  const ruleFile = notifyFleetFile(file, process.cwd());
  let rules = rulesOf(undefined);
  const notifier: Notifier = createNotifier({ ctx: context, rules: (agent) => rules(agent) });
  return {
    async after(reconciled: Reconciled, desired: DesiredState | undefined): Promise<void> {
      try {
        const source = desired ?? (await loadNotifyDesired(ruleFile));
        if (source !== undefined) rules = rulesOf(source);
      } catch (error) {
        context.io.notify({
          level: "warn",
          code: "notify.rules",
          message: `notification rules not reloaded: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
      // Channels report their own failures; anything else must not fail the pass either.
      await notifyReconciled(notifier, reconciled).catch((error: unknown) => {
        context.io.notify({
          level: "warn",
          code: "notify.failed",
          message: `notifications failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      });
    },
  };
}

function parseEvery(text: string): number {
  const ms = parseDurationFlag(text, "--every");
  if (ms < 1000) throw usageError(`--every must be at least 1s, not "${text}"`);
  return ms;
}

async function once(
  context: CliContext,
  dryRun: boolean,
  pass: () => Promise<Reconciled>,
): Promise<void> {
  const lock = dryRun ? undefined : await tryReconcileLock(context.env, { every: null });
  if (lock && !lock.held) {
    context.io.notify({
      level: "info",
      code: "reconcile.busy",
      message: `${busyWords(lock.holder)}; it stops idle agents, so this one did nothing.`,
      data: { holder: lock.holder ?? null },
    });
    if (context.format === "json") {
      printJson({ format_version: "1.0", busy: true, holder: lock.holder ?? null, ok: true });
    }
    return;
  }
  try {
    const reconciled = await pass();
    report(context, reconciled, dryRun, { quietWhenIdle: false });
    if (!succeeded(reconciled)) process.exitCode = 1;
  } finally {
    if (lock?.held) await lock.release();
  }
}

interface Schedule {
  every: number;
  label: string;
  dryRun: boolean;
}

async function schedule(
  context: CliContext,
  schedule: Schedule,
  signal: AbortSignal,
  run: {
    load: () => Promise<DesiredState | undefined>;
    pass: (desired: DesiredState | undefined) => Promise<Reconciled>;
  },
): Promise<void> {
  context.io.notify({
    level: "info",
    code: "reconcile.schedule",
    message: `Reconciling every ${schedule.label}${schedule.dryRun ? " (dry run)" : ""}; Ctrl-C stops.`,
  });
  let release: (() => Promise<void>) | undefined;
  let waiting = false;
  try {
    while (!signal.aborted) {
      const tick = Date.now();
      if (release === undefined && !schedule.dryRun) {
        const lock = await tryReconcileLock(context.env, { every: schedule.label });
        if (lock.held) {
          release = lock.release;
          if (waiting) {
            context.io.notify({
              level: "info",
              code: "reconcile.took-over",
              message: "The other fleet reconcile has stopped; this one reconciles from now on.",
            });
          }
        } else if (!waiting) {
          waiting = true;
          context.io.notify({
            level: "warn",
            code: "reconcile.busy",
            message: `${busyWords(lock.holder)}; this one does nothing while it runs, and takes over if it stops (checking every ${schedule.label}).`,
            data: { holder: lock.holder ?? null },
          });
        }
      }
      if (release !== undefined || schedule.dryRun) {
        try {
          const reconciled = await run.pass(await run.load());
          report(context, reconciled, schedule.dryRun, { quietWhenIdle: true });
        } catch (error) {
          // One failed pass (a fleet file mid-edit, a host down) must not end the schedule.
          const message = error instanceof Error ? error.message : String(error);
          context.io.notify({
            level: "error",
            code: "reconcile.failed",
            message: `reconcile failed: ${message}`,
          });
        }
      }
      // A fixed rate: a slow pass does not push every later one back.
      const wait = Math.max(0, tick + schedule.every - Date.now());
      await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    if (release !== undefined) await release();
  }
}

function busyWords(holder: ReconcileLockHolder | undefined): string {
  if (!holder) return "Another fleet reconcile is running";
  const how = holder.every === null ? "" : `, every ${holder.every}`;
  return `Another fleet reconcile is running (pid ${holder.pid}${how}, since ${holder.since})`;
}

const succeeded = ({ plan, result }: Reconciled): boolean =>
  (result?.ok ?? true) && plan.hostErrors.length === 0;

function report(
  context: CliContext,
  reconciled: Reconciled,
  dryRun: boolean,
  options: { quietWhenIdle: boolean },
): void {
  const { plan } = reconciled;
  if (options.quietWhenIdle && !hasChanges(plan) && plan.hostErrors.length === 0) return;
  if (context.format === "json") {
    const document = reconcileJson(reconciled, dryRun);
    // A scheduler prints one document a line (JSONL); a single pass pretty-prints it.
    process.stdout.write(
      options.quietWhenIdle ? jsonText(document, 0) + "\n" : jsonText(document) + "\n",
    );
    return;
  }
  for (const error of plan.hostErrors) {
    context.io.notify({
      level: "warn",
      code: "reconcile.host-error",
      message: `host ${error.host} (${error.provider}) could not be read: ${error.error.message}`,
    });
  }
  process.stdout.write(renderReconcileText(reconciled, { dryRun, color: context.color }) + "\n");
}
